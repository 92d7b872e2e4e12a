package dev.ioguard.bpf.internal;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Thread-safe: reads {@code /proc/self/status} on each call (capabilities can be dropped at run
 * time). Tells whether an EPERM from bpf(2) means "not privileged" or a kernel refusal.
 */
public final class Privileges {
    public static final String HINT = "needs root or CAP_BPF and CAP_PERFMON";

    private static final int CAP_SYS_ADMIN = 21;
    private static final int CAP_PERFMON = 38;
    private static final int CAP_BPF = 39;

    private Privileges() {}

    /**
     * True when the effective capabilities allow loading tracing programs: CAP_SYS_ADMIN, or
     * CAP_BPF with CAP_PERFMON (5.8+). False when they do not or cannot be read.
     */
    public static boolean canLoadTracingPrograms() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("CapEff:")) {
                    BigInteger caps = new BigInteger(line.substring("CapEff:".length()).strip(), 16);
                    return caps.testBit(CAP_SYS_ADMIN) || (caps.testBit(CAP_BPF) && caps.testBit(CAP_PERFMON));
                }
            }
            return false;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }
}
