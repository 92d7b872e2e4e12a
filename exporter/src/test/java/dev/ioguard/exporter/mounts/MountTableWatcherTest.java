package dev.ioguard.exporter.mounts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The watcher without root: over a regular file it re-reads (a regular file raises no POLLPRI); over the real
 * /proc/self/mountinfo it polls. Mount changes made for real are in {@link MountTableWatcherKernelTest}.
 */
class MountTableWatcherTest {

    private static final MountTableWatcher.Timing FAST = new MountTableWatcher.Timing(Duration.ofMillis(50), Duration.ofMillis(50));
    private static final String ROOT = "1 0 254:0 / / rw - ext4 /dev/vda rw\n";
    private static final String DATA = "2 1 8:1 / /data rw - ext4 /dev/sda1 rw\n";

    @TempDir
    Path dir;

    @Test
    void aRegularFileIsWatchedByRereadingAndTheInitialTableComesFirst() throws Exception {
        Path file = Files.writeString(dir.resolve("mountinfo"), ROOT);
        BlockingQueue<MountTable> tables = new LinkedBlockingQueue<>();

        try (MountTableWatcher watcher = MountTableWatcher.start(file, tables::add, FAST)) {
            assertEquals(MountTableWatcher.MODE_REREAD, watcher.mode());
            assertEquals(List.of("/"), mountPoints(next(tables)));

            replace(file, ROOT + DATA);
            assertEquals(List.of("/", "/data"), mountPoints(next(tables)));
            assertEquals(List.of("/", "/data"), mountPoints(watcher.current()));
        }
    }

    @Test
    void anUnchangedTextIsNotReportedAgain() throws Exception {
        Path file = Files.writeString(dir.resolve("mountinfo"), ROOT);
        BlockingQueue<MountTable> tables = new LinkedBlockingQueue<>();

        try (MountTableWatcher watcher = MountTableWatcher.start(file, tables::add, FAST)) {
            next(tables);
            replace(file, ROOT);

            assertNull(tables.poll(300, TimeUnit.MILLISECONDS), "six re-reads of the same text reported a change");
        }
    }

    @Test
    void aFailingListenerDoesNotStopTheWatcher() throws Exception {
        Path file = Files.writeString(dir.resolve("mountinfo"), ROOT);
        BlockingQueue<MountTable> tables = new LinkedBlockingQueue<>();
        AtomicInteger calls = new AtomicInteger();

        try (MountTableWatcher watcher = MountTableWatcher.start(file, table -> {
            if (calls.incrementAndGet() == 1) {
                throw new IllegalStateException("listener bug");
            }
            tables.add(table);
        }, FAST)) {
            awaitTrue(() -> calls.get() == 1);
            replace(file, ROOT + DATA);

            assertEquals(List.of("/", "/data"), mountPoints(next(tables)));
            assertTrue(watcher.threadAlive());
        }
    }

    @Test
    void theRereadPeriodCanBeChosenButNotAbsurdlyShort() throws Exception {
        Path file = Files.writeString(dir.resolve("mountinfo"), ROOT);
        BlockingQueue<MountTable> tables = new LinkedBlockingQueue<>();

        assertThrows(IllegalArgumentException.class, () -> MountTableWatcher.start(file, Duration.ofMillis(1), tables::add));
        try (MountTableWatcher watcher = MountTableWatcher.start(file, Duration.ofMillis(20), tables::add)) {
            next(tables);
            replace(file, ROOT + DATA);
            assertTrue(tables.poll(500, TimeUnit.MILLISECONDS) != null, "a 20 ms period did not see the change in 500 ms");
        }
    }

    @Test
    void aFileThatCannotBeReadAtTheStartIsAnErrorRightAway() {
        assertThrows(UncheckedIOException.class, () -> MountTableWatcher.start(dir.resolve("missing"), table -> {}));
    }

    @Test
    void aFileThatVanishesLaterKeepsTheLastTableAndRecovers() throws Exception {
        Path file = Files.writeString(dir.resolve("mountinfo"), ROOT);
        BlockingQueue<MountTable> tables = new LinkedBlockingQueue<>();

        try (MountTableWatcher watcher = MountTableWatcher.start(file, tables::add, FAST)) {
            next(tables);
            Files.delete(file);
            Thread.sleep(200);
            assertTrue(watcher.threadAlive());
            assertEquals(List.of("/"), mountPoints(watcher.current()));

            replace(file, ROOT + DATA);
            assertEquals(List.of("/", "/data"), mountPoints(next(tables)));
        }
    }

    @Test
    void closeStopsTheThreadPromptlyAndIsIdempotent() throws Exception {
        Path file = Files.writeString(dir.resolve("mountinfo"), ROOT);
        AtomicInteger calls = new AtomicInteger();
        MountTableWatcher watcher = MountTableWatcher.start(file, table -> calls.incrementAndGet());
        awaitTrue(() -> calls.get() == 1);

        long start = System.nanoTime();
        watcher.close();
        long millis = (System.nanoTime() - start) / 1_000_000;

        assertFalse(watcher.threadAlive());
        assertTrue(millis < 1_000, "close took " + millis + " ms");
        watcher.close();
        replace(file, ROOT + DATA);
        Thread.sleep(1_200);
        assertEquals(1, calls.get(), "a closed watcher reported a change");
    }

    @Test
    void closeFromInsideTheListenerStopsWithoutDeadlock() throws Exception {
        Path file = Files.writeString(dir.resolve("mountinfo"), ROOT);
        AtomicReference<MountTableWatcher> self = new AtomicReference<>();
        CountDownLatch initial = new CountDownLatch(1);
        CountDownLatch closedInside = new CountDownLatch(1);
        MountTableWatcher watcher = MountTableWatcher.start(file, table -> {
            try {
                initial.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            self.get().close();
            closedInside.countDown();
        }, FAST);
        self.set(watcher);
        initial.countDown();

        assertTrue(closedInside.await(2, TimeUnit.SECONDS), "close() inside the listener did not return");
        awaitTrue(() -> !watcher.threadAlive());
        watcher.close();
    }

    @Test
    void closeCanBeCalledFromManyThreadsAtOnce() throws Exception {
        Path file = Files.writeString(dir.resolve("mountinfo"), ROOT);
        MountTableWatcher watcher = MountTableWatcher.start(file, table -> {}, FAST);
        List<Thread> closers = List.of(Thread.ofPlatform().start(watcher::close), Thread.ofPlatform().start(watcher::close),
                Thread.ofPlatform().start(watcher::close));
        for (Thread closer : closers) {
            closer.join(2_000);
            assertFalse(closer.isAlive());
        }
        assertFalse(watcher.threadAlive());
    }

    /** No root needed: opening and polling /proc/self/mountinfo through FFM works for any user. */
    @Test
    void theProcMountTableIsWatchedWithPoll() throws Exception {
        BlockingQueue<MountTable> tables = new LinkedBlockingQueue<>();

        try (MountTableWatcher watcher = MountTableWatcher.start(MountTable.PROC_SELF_MOUNTINFO, tables::add)) {
            assertEquals(MountTableWatcher.MODE_POLL, watcher.mode());
            MountTable initial = next(tables);
            assertTrue(initial.byMountPoint("/proc").isPresent());
            assertNotNull(watcher.current());
        }
    }

    @Test
    void priorityPollReportsNothingWhileTheMountTableStaysTheSame() throws IOException {
        try (PriorityPoll poll = PriorityPoll.open(MountTable.PROC_SELF_MOUNTINFO)) {
            // Other processes on this machine may mount things meanwhile: only require a timeout at least once.
            boolean quiet = false;
            for (int i = 0; i < 10 && !quiet; i++) {
                quiet = !poll.awaitPriority(20);
            }
            assertTrue(quiet);
        }
    }

    @Test
    void priorityPollNamesTheFileWhenOpenFails() {
        IOException e = assertThrows(IOException.class, () -> PriorityPoll.open(dir.resolve("missing")));
        assertTrue(e.getMessage().contains("missing") && e.getMessage().contains("errno 2"), e.getMessage());
    }

    /** Replaces the file in one step, as the watcher must never see a half-written test file. */
    private static void replace(Path file, String text) throws IOException {
        Path temp = Files.writeString(file.resolveSibling(file.getFileName() + ".new"), text);
        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static MountTable next(BlockingQueue<MountTable> tables) throws InterruptedException {
        MountTable table = tables.poll(2, TimeUnit.SECONDS);
        assertNotNull(table, "no table within 2 s");
        return table;
    }

    private static List<String> mountPoints(MountTable table) {
        return table.all().stream().map(MountInfo::mountPoint).toList();
    }

    private static void awaitTrue(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "condition not met within 2 s");
            Thread.sleep(10);
        }
    }
}
