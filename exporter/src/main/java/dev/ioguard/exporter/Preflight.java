package dev.ioguard.exporter;

import dev.ioguard.bpf.Features;
import dev.ioguard.bpf.Libbpf;
import java.util.Optional;

/**
 * What must hold before any BPF object is opened, each with a message that says what to do.
 * Stateless.
 */
public final class Preflight {
    private Preflight() {}

    /** The first unmet requirement on this machine, as a message for the user. */
    public static Optional<String> check() {
        if (!Libbpf.available()) {
            return Optional.of("libbpf is not installed (libbpf.so.1 not found): apt-get install libbpf1");
        }
        return explain(Features.kernelBtf(), Features.bpfSyscall());
    }

    /** The first of the two probes that is not SUPPORTED, explained with what to do. */
    static Optional<String> explain(Features.Probe kernelBtf, Features.Probe bpfSyscall) {
        if (kernelBtf.status() != Features.Status.SUPPORTED) {
            return Optional.of("this kernel has no BTF" + why(kernelBtf) + ": ioguard needs a kernel "
                    + "built with CONFIG_DEBUG_INFO_BTF=y (Linux 5.8+; most distributions since 2021)");
        }
        if (bpfSyscall.status() != Features.Status.SUPPORTED) {
            return Optional.of("BPF is not permitted for this process" + why(bpfSyscall)
                    + ": run as root, or grant CAP_BPF, CAP_PERFMON and CAP_SYS_RESOURCE");
        }
        return Optional.empty();
    }

    private static String why(Features.Probe p) {
        return p.detail().isEmpty() ? "" : " (" + p.detail() + ")";
    }
}
