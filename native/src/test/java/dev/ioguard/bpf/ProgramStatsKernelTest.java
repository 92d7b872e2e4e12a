package dev.ioguard.bpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** A program's run statistics come from the kernel: runs are counted while bpf stats are on. */
class ProgramStatsKernelTest {
    private static final Path STATS_SWITCH = Path.of("/proc/sys/kernel/bpf_stats_enabled");

    @Test
    void runsAndRunTimeAreCountedWhileStatsAreEnabledAndNothingWasMissed() throws Exception {
        KernelTestSupport.requireBpf();
        String before = Files.readString(STATS_SWITCH).strip();
        try (Collection collection = Ringtest.loadForThisThread()) {
            Program program = collection.program(Ringtest.PROGRAM);
            program.attach();
            Files.writeString(STATS_SWITCH, "1");
            ProgramStats start = program.stats();
            Syscalls.getppid(10);
            ProgramStats end = program.stats();
            // The program runs on every sys_enter of the machine and filters on this thread.
            assertTrue(end.runCount() - start.runCount() >= 10, start + " -> " + end);
            assertTrue(end.runTimeNs() > start.runTimeNs(), start + " -> " + end);
            assertEquals(0, end.recursionMisses());
        } finally {
            Files.writeString(STATS_SWITCH, before);
        }
    }
}
