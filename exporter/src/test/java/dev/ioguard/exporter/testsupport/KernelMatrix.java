package dev.ioguard.exporter.testsupport;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The kernel matrix (tests/kernels): tests tagged {@link #TAG} also run inside QEMU guests booted
 * with other kernels (Debian's 6.1, cloud and generic). Tag a kernel test with it when it must pass
 * on every kernel ioguard supports; keep such tests focused, as Java in a TCG guest runs 8-15 times
 * slower than here.
 *
 * <p>Inside a guest, {@link #note} adds a line to the harness's per-kernel report. Safe for
 * concurrent use.
 */
public final class KernelMatrix {
    /** The JUnit tag of the tests the harness runs in each guest. */
    public static final String TAG = "kernel-matrix";

    private static final Object LOCK = new Object();
    private static PrintStream report;

    private KernelMatrix() {}

    /** Where notes go: the guest's report channel. Called by the in-guest runner only. */
    public static void reportTo(PrintStream stream) {
        synchronized (LOCK) {
            report = stream;
        }
    }

    /** Writes one line to the guest's report channel, when there is one, and to stdout. */
    public static void note(String text) {
        String line = text.replace('\n', ' ').replace('\r', ' ');
        System.out.println("kernel matrix note: " + line);
        synchronized (LOCK) {
            if (report != null) {
                report.println("ioguard-guest note " + line);
            }
        }
    }

    /** The kernel's name in tests/kernels/kernels.list, inside a guest; empty elsewhere. */
    public static Optional<String> kernelName() {
        return Optional.ofNullable(System.getenv("IOGUARD_KERNEL_NAME")).filter(s -> !s.isBlank());
    }

    /**
     * The hooks kernels.list says this guest's kernel must report as {@code not_used} (a fallback in
     * force), inside a guest; empty elsewhere.
     */
    public static Optional<List<String>> expectedNotUsed() {
        String value = System.getenv("IOGUARD_EXPECT_NOT_USED");
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        return Optional.of(value.equals("-") ? List.of()
                : Arrays.stream(value.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList());
    }
}
