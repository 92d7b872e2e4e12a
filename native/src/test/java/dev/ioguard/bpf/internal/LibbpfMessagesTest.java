package dev.ioguard.bpf.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Reading libbpf 1.x's messages of a failed load (as captured from a real refusal on 6.18). */
class LibbpfMessagesTest {
    private static final List<String> FAILED_LOAD = List.of(
            "libbpf: prog 'reads_null': BPF program load failed: Permission denied\n",
            "libbpf: prog 'reads_null': -- BEGIN PROG LOAD LOG --\n"
                    + "0: R1=ctx() R10=fp0\n"
                    + "8: (79) r1 = *(u64 *)(r0 +0)\n"
                    + "R0 invalid mem access 'map_value_or_null'\n"
                    + "processed 8 insns (limit 1000000) max_states_per_insn 0\n"
                    + "-- END PROG LOAD LOG --\n",
            "libbpf: prog 'reads_null': failed to load: -13\n",
            "libbpf: failed to load object 'rejected'\n");

    @Test
    void findsTheRefusedProgram() {
        assertEquals(Optional.of("reads_null"), LibbpfMessages.failedProgram(FAILED_LOAD));
        assertEquals(Optional.empty(), LibbpfMessages.failedProgram(List.of("libbpf: failed to load object 'x'\n")));
    }

    @Test
    void extractsTheVerifierLogLineByLine() {
        assertEquals(List.of("0: R1=ctx() R10=fp0", "8: (79) r1 = *(u64 *)(r0 +0)",
                "R0 invalid mem access 'map_value_or_null'", "processed 8 insns (limit 1000000) max_states_per_insn 0"),
                LibbpfMessages.verifierLog(FAILED_LOAD));
    }

    @Test
    void summaryKeepsEveryOtherLineAndCountsTheLog() {
        assertEquals(List.of(
                "libbpf: prog 'reads_null': BPF program load failed: Permission denied",
                "libbpf: prog 'reads_null': verifier log of 4 lines",
                "libbpf: prog 'reads_null': failed to load: -13",
                "libbpf: failed to load object 'rejected'"), LibbpfMessages.summary(FAILED_LOAD));
    }

    @Test
    void summaryLeavesOutTheMemlockHintThatFollowsEveryPermissionError() {
        // As printed on 6.18 when the kernel refused an fentry program: RLIMIT_MEMLOCK is not why.
        List<String> refused = List.of(
                "libbpf: prog 'submit_bio': BPF program load failed: Operation not permitted\n",
                "libbpf: permission error while running as root; try raising 'ulimit -l'? current value: 8.0 MiB\n",
                "libbpf: prog 'submit_bio': failed to load: -1\n");

        assertEquals(List.of(
                "libbpf: prog 'submit_bio': BPF program load failed: Operation not permitted",
                "libbpf: prog 'submit_bio': failed to load: -1"), LibbpfMessages.summary(refused));
    }
}
