package dev.ioguard.bpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** What an operator reads when a BPF operation fails. */
class BpfExceptionTest {
    @Test
    void messageNamesOperationObjectErrnoAndLibbpfsLines() {
        assumeTrue(Libbpf.available(), "errno texts come from libbpf_strerror");
        BpfException e = new BpfException("attach", "on_sys_enter", 2, List.of("libbpf: first", "libbpf: second"));

        assertEquals("attach on_sys_enter: No such file or directory [ENOENT] (errno 2): libbpf: first; libbpf: second",
                e.getMessage());
        assertEquals("ENOENT", e.errnoName());
    }

    @Test
    void withoutPrivilegesEpermSaysWhatIsNeededBeforeLibbpfsMisleadingAdvice() {
        List<String> lines = List.of("libbpf: Couldn't load trivial BPF program. ... RLIMIT_MEMLOCK ...");

        assertEquals(List.of("needs root or CAP_BPF and CAP_PERFMON", lines.get(0)),
                Failures.withHints(1, lines, false));
        assertEquals(lines, Failures.withHints(1, lines, true), "privileged: the kernel refused for another reason");
        assertEquals(lines, Failures.withHints(13, lines, false), "only EPERM is about privileges");
    }

    @Test
    void verifierExceptionQuotesTheEndOfTheLog() {
        assumeTrue(Libbpf.available(), "errno texts come from libbpf_strerror");
        VerifierException e = new VerifierException("obj", "prog", 13, List.of("libbpf: prog 'prog': failed"),
                List.of("0: (b7) r0 = 0", "1: (79) r1 = *(u64 *)(r0 +0)", "R0 invalid mem access 'scalar'",
                        "processed 2 insns"));

        assertEquals("load", e.operation());
        assertEquals("prog", e.programName());
        assertEquals(List.of("R0 invalid mem access 'scalar'", "processed 2 insns"), e.lastLines(2));
        assertEquals(e.log(), e.lastLines(10));
        assertEquals("load obj: Permission denied [EACCES] (errno 13): libbpf: prog 'prog': failed; verifier log of prog"
                + " ends: 1: (79) r1 = *(u64 *)(r0 +0) | R0 invalid mem access 'scalar' | processed 2 insns",
                e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> e.lastLines(-1));
    }
}
