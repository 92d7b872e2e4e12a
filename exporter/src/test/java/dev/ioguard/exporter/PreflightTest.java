package dev.ioguard.exporter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ioguard.bpf.Features;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PreflightTest {
    private static Features.Probe probe(String feature, Features.Status status) {
        return new Features.Probe(feature, status, status == Features.Status.SUPPORTED ? "" : "EPERM");
    }

    @Test
    void allSupportedMeansNoProblem() {
        assertEquals(Optional.empty(), Preflight.explain(
                probe("kernel BTF", Features.Status.SUPPORTED),
                probe("bpf syscall", Features.Status.SUPPORTED)));
    }

    @Test
    void aKernelWithoutBtfIsExplainedWithWhatToDo() {
        String message = Preflight.explain(probe("kernel BTF", Features.Status.UNSUPPORTED),
                probe("bpf syscall", Features.Status.SUPPORTED)).orElseThrow();
        assertTrue(message.contains("no BTF") && message.contains("CONFIG_DEBUG_INFO_BTF"), message);
    }

    @Test
    void missingBpfPermissionNamesTheCapabilities() {
        String message = Preflight.explain(probe("kernel BTF", Features.Status.SUPPORTED),
                probe("bpf syscall", Features.Status.UNSUPPORTED)).orElseThrow();
        assertTrue(message.contains("root") && message.contains("CAP_BPF"), message);
    }
}
