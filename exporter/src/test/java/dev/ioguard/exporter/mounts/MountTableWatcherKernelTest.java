package dev.ioguard.exporter.mounts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ioguard.exporter.testsupport.Leaks;
import dev.ioguard.exporter.testsupport.Mount;
import dev.ioguard.exporter.testsupport.Root;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Kernel test (root): the watcher sees a tmpfs mount this test makes in its own directory, and its removal. */
class MountTableWatcherKernelTest {

    /** Re-reading is switched off (an hour), so only poll(2) can deliver the change in time. */
    private static final MountTableWatcher.Timing POLL_ONLY =
            new MountTableWatcher.Timing(Duration.ofMillis(500), Duration.ofHours(1));

    private Path dir;

    @BeforeEach
    void needsRoot() throws Exception {
        Root.require();
        dir = Files.createTempDirectory("ioguard-watch-");
    }

    @AfterEach
    void nothingLeftBehind() throws Exception {
        if (dir != null) {
            Leaks.assertNoneUnder(dir);
            Files.deleteIfExists(dir.resolve("m"));
            Files.deleteIfExists(dir);
        }
    }

    @Test
    void pollReportsAMountAndItsRemovalWithinASecond() throws Exception {
        BlockingQueue<MountTable> tables = new LinkedBlockingQueue<>();
        String mountPoint = dir.resolve("m").toString();

        try (MountTableWatcher watcher = MountTableWatcher.start(MountTable.PROC_SELF_MOUNTINFO, tables::add, POLL_ONLY)) {
            assertEquals(MountTableWatcher.MODE_POLL, watcher.mode());
            assertTrue(tables.poll(2, TimeUnit.SECONDS).byMountPoint(mountPoint).isEmpty());

            try (Mount tmpfs = Mount.tmpfs(dir.resolve("m"), "size=1m")) {
                long seen = awaitTable(tables, table -> table.byMountPoint(mountPoint)
                        .filter(m -> m.fsType().equals("tmpfs")).isPresent());
                assertTrue(seen < 1_000, "mount seen after " + seen + " ms");
            }
            long gone = awaitTable(tables, table -> table.byMountPoint(mountPoint).isEmpty());
            assertTrue(gone < 1_000, "unmount seen after " + gone + " ms");
        }
    }

    /** Milliseconds until a delivered table satisfies the condition; fails after 2 s. Other processes' changes may come first. */
    private static long awaitTable(BlockingQueue<MountTable> tables, Predicate<MountTable> condition) throws InterruptedException {
        long start = System.nanoTime();
        long deadline = start + TimeUnit.SECONDS.toNanos(2);
        while (true) {
            MountTable table = tables.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            assertTrue(table != null, "no matching table within 2 s");
            if (condition.test(table)) {
                return (System.nanoTime() - start) / 1_000_000;
            }
        }
    }
}
