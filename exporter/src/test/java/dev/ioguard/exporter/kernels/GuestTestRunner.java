package dev.ioguard.exporter.kernels;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectMethod;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectPackage;

import dev.ioguard.exporter.testsupport.KernelMatrix;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.platform.engine.DiscoverySelector;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TagFilter;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * Runs kernel tests inside a test guest (tests/kernels/guest/run-tests.sh) and reports each one as
 * a line on the report file (the guest's second serial port), which the harness on the host reads:
 * <pre>
 * ioguard-guest test PASS|FAIL|SKIP Class#method 1234ms[: message]
 * ioguard-guest trace   at ... (stack of a failure)
 * ioguard-guest summary 3 passed 0 failed
 * </pre>
 * A skipped or aborted test counts as failed: the guest is built to have what the tests need.
 * Exits 0 when at least one test ran and none failed.
 *
 * <p>Usage: {@code GuestTestRunner --report FILE SELECTION}, where SELECTION is
 * {@code tag:NAME} (tests under dev.ioguard with that JUnit tag) or a ','-separated list of class
 * names and {@code Class#method}s. Single-threaded, a process of its own.
 */
public final class GuestTestRunner {
    private GuestTestRunner() {}

    public static void main(String[] args) throws IOException {
        if (args.length != 3 || !args[0].equals("--report")) {
            System.err.println("usage: GuestTestRunner --report FILE tag:NAME|Class[#method],...");
            System.exit(2);
        }
        try (PrintStream report = new PrintStream(new FileOutputStream(args[1], true), true,
                StandardCharsets.UTF_8)) {
            KernelMatrix.reportTo(report);
            Listener listener = new Listener(report);
            LauncherFactory.create().execute(request(args[2]), listener);
            report.println("ioguard-guest summary " + listener.passed + " passed " + listener.failed
                    + " failed");
            KernelMatrix.reportTo(null);
            System.exit(listener.passed > 0 && listener.failed == 0 ? 0 : 1);
        }
    }

    static LauncherDiscoveryRequest request(String selection) {
        if (selection.startsWith("tag:")) {
            return LauncherDiscoveryRequestBuilder.request().selectors(selectPackage("dev.ioguard"))
                    .filters(TagFilter.includeTags(selection.substring(4))).build();
        }
        List<DiscoverySelector> selectors = new ArrayList<>();
        for (String name : selection.split(",")) {
            String s = name.strip();
            if (!s.isEmpty()) {
                selectors.add(s.contains("#") ? selectMethod(s) : selectClass(s));
            }
        }
        return LauncherDiscoveryRequestBuilder.request().selectors(selectors).build();
    }

    /** A test's name in the report: {@code SimpleClassName#method}, or its display name. */
    static String name(TestIdentifier id) {
        return id.getSource().map(s -> switch (s) {
            case MethodSource m -> simple(m.getClassName()) + "#" + m.getMethodName();
            case ClassSource c -> simple(c.getClassName());
            default -> id.getDisplayName();
        }).orElse(id.getDisplayName()).replace(' ', '_');
    }

    private static String simple(String className) {
        return className.substring(className.lastIndexOf('.') + 1);
    }

    /** Reports tests as they finish; called by the launcher's thread only. */
    private static final class Listener implements TestExecutionListener {
        private final PrintStream report;
        private final Map<String, Long> started = new ConcurrentHashMap<>();
        int passed;
        int failed;

        Listener(PrintStream report) {
            this.report = report;
        }

        @Override
        public void executionStarted(TestIdentifier id) {
            started.put(id.getUniqueId(), System.nanoTime());
            if (id.isTest()) {
                System.out.println("ioguard guest: running " + name(id));
            }
        }

        @Override
        public void executionSkipped(TestIdentifier id, String reason) {
            failed++;
            report.println("ioguard-guest test SKIP " + name(id) + " 0ms: " + oneLine(reason));
        }

        @Override
        public void executionFinished(TestIdentifier id, TestExecutionResult result) {
            long ms = (System.nanoTime() - started.getOrDefault(id.getUniqueId(), System.nanoTime()))
                    / 1_000_000;
            boolean ok = result.getStatus() == TestExecutionResult.Status.SUCCESSFUL;
            if (id.isTest() || !ok) {
                // A container reports only its own failure (e.g. in @BeforeAll).
                if (ok) {
                    passed++;
                    report.println("ioguard-guest test PASS " + name(id) + " " + ms + "ms");
                } else {
                    failed++;
                    Throwable t = result.getThrowable().orElse(null);
                    report.println("ioguard-guest test FAIL " + name(id) + " " + ms + "ms: "
                            + (result.getStatus() == TestExecutionResult.Status.ABORTED ? "aborted: " : "")
                            + (t == null ? "no exception" : oneLine(t.toString())));
                    trace(t);
                }
            }
        }

        private void trace(Throwable t) {
            int lines = 0;
            for (Throwable c = t; c != null && lines < 40; c = c.getCause()) {
                if (c != t) {
                    report.println("ioguard-guest trace caused by " + oneLine(c.toString()));
                }
                StackTraceElement[] stack = c.getStackTrace();
                for (int i = 0; i < Math.min(stack.length, 12); i++, lines++) {
                    report.println("ioguard-guest trace   at " + stack[i]);
                }
            }
        }

        private static String oneLine(String s) {
            return s == null ? "" : s.replace('\n', ' ').replace('\r', ' ');
        }
    }
}
