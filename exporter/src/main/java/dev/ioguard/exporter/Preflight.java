package dev.ioguard.exporter;

import dev.ioguard.bpf.Features;
import dev.ioguard.bpf.Libbpf;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What must hold before any BPF object is opened, each with a message that says what to do.
 * Stateless.
 */
public final class Preflight {
    /** Bit numbers in the capability sets (linux/capability.h). */
    private static final int CAP_SYS_ADMIN = 21;
    private static final int CAP_PERFMON = 38;
    private static final int CAP_BPF = 39;
    private static final String GRANT = "run as root, or grant CAP_BPF and CAP_PERFMON"
            + " (and CAP_SYS_RESOURCE on Linux before 5.11)";

    private Preflight() {}

    /** The first unmet requirement on this machine, as a message for the user. */
    public static Optional<String> check() {
        if (!Libbpf.available()) {
            return Optional.of("libbpf is not installed (libbpf.so.1 not found): apt-get install libbpf1");
        }
        return explain(Features.bpfSyscall(), effectiveCapabilities());
    }

    /**
     * For a BPF operation refused with EPERM: which of the capabilities BPF tracing needs this
     * process lacks, and what to do; empty when it has them all (the refusal came from elsewhere).
     */
    public static Optional<String> capabilityHint() {
        List<String> missing = missingCapabilities(effectiveCapabilities());
        return missing.isEmpty() ? Optional.empty()
                : Optional.of("missing " + String.join(" and ", missing) + ": " + GRANT);
    }

    /**
     * Whether bpf(2) is permitted, explained with what to do when not. A kernel without BTF is no
     * reason to stop: the block programs fall back to classic tracepoints (the hooks that need BTF
     * report so in /healthz).
     */
    static Optional<String> explain(Features.Probe bpfSyscall,
            Optional<BigInteger> effectiveCapabilities) {
        if (bpfSyscall.status() != Features.Status.SUPPORTED) {
            List<String> missing = missingCapabilities(effectiveCapabilities);
            if (!missing.isEmpty()) {
                return Optional.of("BPF is not permitted for this process: missing "
                        + String.join(" and ", missing) + ": " + GRANT);
            }
            // The capabilities are there, so something else refused: seccomp, an LSM, or the kernel.
            return Optional.of("BPF is not permitted for this process" + why(bpfSyscall)
                    + ", although it has CAP_BPF and CAP_PERFMON (or CAP_SYS_ADMIN): a seccomp profile or a"
                    + " security module refuses bpf(2). The default seccomp profile of CRI-O and podman"
                    + " allows bpf(2) only with CAP_SYS_ADMIN: use ioguard's profile (deploy/seccomp) or"
                    + " run unconfined (deploy/README.md, Kernels and runtimes)");
        }
        return Optional.empty();
    }

    /**
     * CAP_BPF and CAP_PERFMON, those of them the effective set lacks, in that order; none when the
     * set has CAP_SYS_ADMIN (which allows both) or could not be read.
     */
    static List<String> missingCapabilities(Optional<BigInteger> effective) {
        List<String> missing = new ArrayList<>();
        if (effective.isEmpty() || effective.get().testBit(CAP_SYS_ADMIN)) {
            return missing;
        }
        if (!effective.get().testBit(CAP_BPF)) {
            missing.add("CAP_BPF");
        }
        if (!effective.get().testBit(CAP_PERFMON)) {
            missing.add("CAP_PERFMON");
        }
        return missing;
    }

    /** The effective capability set from /proc/self/status ({@code CapEff:}, hexadecimal). */
    static Optional<BigInteger> effectiveCapabilities() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("CapEff:")) {
                    return Optional.of(new BigInteger(line.substring("CapEff:".length()).strip(), 16));
                }
            }
        } catch (IOException | NumberFormatException e) {
            // Unknown: say nothing about capabilities rather than something wrong.
        }
        return Optional.empty();
    }

    private static String why(Features.Probe p) {
        return p.detail().isEmpty() ? "" : " (" + p.detail() + ")";
    }
}
