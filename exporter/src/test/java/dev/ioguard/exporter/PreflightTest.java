package dev.ioguard.exporter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ioguard.bpf.Features;
import java.math.BigInteger;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PreflightTest {
    private static final Optional<BigInteger> NONE = Optional.of(BigInteger.ZERO);
    private static final Optional<BigInteger> BPF_ONLY = caps(39);
    private static final Optional<BigInteger> PERFMON_ONLY = caps(38);
    private static final Optional<BigInteger> BPF_AND_PERFMON = caps(39, 38);
    private static final Optional<BigInteger> SYS_ADMIN = caps(21);

    private static Optional<BigInteger> caps(int... bits) {
        BigInteger set = BigInteger.ZERO;
        for (int bit : bits) {
            set = set.setBit(bit);
        }
        return Optional.of(set);
    }

    private static Features.Probe probe(String feature, Features.Status status) {
        return new Features.Probe(feature, status, status == Features.Status.SUPPORTED ? "" : "EPERM");
    }

    private static String bpfRefused(Optional<BigInteger> effective) {
        return Preflight.explain(probe("bpf syscall", Features.Status.UNSUPPORTED), effective)
                .orElseThrow();
    }

    @Test
    void allSupportedMeansNoProblem() {
        assertEquals(Optional.empty(), Preflight.explain(
                probe("bpf syscall", Features.Status.SUPPORTED), NONE));
    }

    @Test
    void missingBpfPermissionNamesTheCapabilitiesThatAreMissing() {
        String message = bpfRefused(NONE);
        assertTrue(message.contains("missing CAP_BPF and CAP_PERFMON") && message.contains("root"), message);
        message = bpfRefused(PERFMON_ONLY);
        assertTrue(message.contains("missing CAP_BPF:"), message);
        assertFalse(message.contains("missing CAP_BPF and CAP_PERFMON"), message);
    }

    @Test
    void withTheCapabilitiesARefusalIsBlamedOnSeccompOrAnLsm() {
        for (Optional<BigInteger> effective : List.of(BPF_AND_PERFMON, SYS_ADMIN)) {
            String message = bpfRefused(effective);
            assertFalse(message.contains("missing"), message);
            assertTrue(message.contains("seccomp") && message.contains("deploy/seccomp"), message);
        }
    }

    @Test
    void missingCapabilitiesAreNamedInOrderAndSysAdminCoversBoth() {
        assertEquals(List.of("CAP_BPF", "CAP_PERFMON"), Preflight.missingCapabilities(NONE));
        assertEquals(List.of("CAP_PERFMON"), Preflight.missingCapabilities(BPF_ONLY));
        assertEquals(List.of("CAP_BPF"), Preflight.missingCapabilities(PERFMON_ONLY));
        assertEquals(List.of(), Preflight.missingCapabilities(BPF_AND_PERFMON));
        assertEquals(List.of(), Preflight.missingCapabilities(SYS_ADMIN));
        assertEquals(List.of(), Preflight.missingCapabilities(Optional.empty()), "unknown: say nothing");
    }

    @Test
    void theEffectiveSetOfThisProcessIsReadable() {
        assertTrue(Preflight.effectiveCapabilities().isPresent());
    }
}
