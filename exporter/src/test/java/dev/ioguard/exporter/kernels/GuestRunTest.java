package dev.ioguard.exporter.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** How the harness's per-kernel files are read back. */
class GuestRunTest {
    @Test
    void aCompletedRunHasItsTimesOutcomesTracesAndNotes() {
        GuestRun run = GuestRun.parse("6.1-cloud", List.of(
                "4.2 init 2.91 6.1.0-56-cloud-amd64",
                "5.0 start 3.70",
                "61.5 note healthz: not_used tp_btf/block_io_done (disk request completion): no tracepoint",
                "80.1 test PASS HookFallbacksIT#healthz 75100ms",
                "130.7 test FAIL BlockAndFilesystemIT#ops 50600ms: org.opentest4j.AssertionFailedError: reads ==> expected: <172> but was: <171>",
                "130.7 trace   at BlockAndFilesystemIT.ops(BlockAndFilesystemIT.java:68)",
                "130.8 summary 1 passed 1 failed",
                "131.0 done 129.6",
                "131.1 end rc=1"),
                List.of("wall_seconds=133.0", "qemu_exit=0", "release=6.1.0-56-cloud-amd64"));

        assertEquals(Optional.of(4.2), run.initAt());
        assertEquals(126.0, run.testsTook().orElseThrow(), 1e-9);
        assertEquals(2, run.tests().size());
        assertTrue(run.tests().get(0).passed());
        GuestRun.Outcome failed = run.tests().get(1);
        assertEquals("FAIL", failed.status());
        assertEquals("BlockAndFilesystemIT#ops", failed.test());
        assertEquals(50600, failed.millis());
        assertTrue(failed.message().endsWith("expected: <172> but was: <171>"), failed.message());
        assertEquals(List.of("  at BlockAndFilesystemIT.ops(BlockAndFilesystemIT.java:68)"), failed.trace());
        assertEquals(1, run.notes().size());
        assertFalse(run.completed(), "rc=1 is not a completed run");
        assertEquals("6.1.0-56-cloud-amd64", run.boot().get("release"));
    }

    @Test
    void aGuestThatNeverReachedItsEndIsNotCompleted() {
        GuestRun run = GuestRun.parse("6.1-generic", List.of("13.0 init 5.1 6.1.0-56-amd64"),
                List.of("wall_seconds=420.0", "qemu_exit=124", "timed_out=420"));
        assertFalse(run.completed());
        assertEquals(Optional.empty(), run.end());
        assertEquals(List.of(), run.tests());
        assertTrue(run.summary().contains("never"), run.summary());
    }

    @Test
    void aCleanEndIsCompleted() {
        assertTrue(GuestRun.parse("k", List.of("1 end rc=0"), List.of()).completed());
        assertFalse(GuestRun.parse("k", List.of("1 end rc=125 reason=disks-not-found"), List.of()).completed());
    }
}
