package dev.ioguard.exporter.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ioguard.bpf.BpfException;
import dev.ioguard.bpf.VerifierException;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class MainDescribeTest {
    private static final Optional<String> LACKS_PERFMON = Optional.of("missing CAP_PERFMON: run as root");

    @Test
    void aProgramRefusedWithEpermAndNoLogSaysWhyAndWhichCapabilityIsMissing() {
        // As measured in a container with CAP_BPF but not CAP_PERFMON: EPERM, no verifier log.
        String line = Main.describe(new VerifierException("fs_events", "ext4_error", 1,
                List.of("libbpf: prog 'ext4_error': BPF program load failed: Operation not permitted"),
                List.of()), LACKS_PERFMON);
        assertTrue(line.startsWith("the kernel refused BPF program 'ext4_error': load fs_events:"), line);
        assertTrue(line.contains("Operation not permitted") && line.endsWith("missing CAP_PERFMON: run as root"),
                line);
    }

    @Test
    void aVerifierRejectionQuotesTheLogAndNoCapabilities() {
        String line = Main.describe(new VerifierException("o", "p", 13, List.of(),
                List.of("0: r1 = 0", "R1 invalid mem access 'scalar'")), LACKS_PERFMON);
        assertEquals("the kernel refused BPF program 'p': 0: r1 = 0 | R1 invalid mem access 'scalar'", line);
    }

    @Test
    void otherErrorsAreNotBlamedOnCapabilities() {
        String line = Main.describe(new BpfException("attach", "p", 2, List.of()), LACKS_PERFMON);
        assertFalse(line.contains("CAP_"), line);
        line = Main.describe(new BpfException("load", "o", 1, List.of()), Optional.empty());
        assertFalse(line.contains("missing"), line);
    }
}
