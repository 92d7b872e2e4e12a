package dev.ioguard.bpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Records written by a tp_btf program reach a Java handler on the reader's own thread. */
class RingBufferReaderKernelTest {
    private Collection collection;

    @BeforeEach
    void loadAndAttach() {
        KernelTestSupport.requireBpf();
        collection = Ringtest.loadForThisThread();
        collection.program(Ringtest.PROGRAM).attach();
    }

    @AfterEach
    void closeCollection() {
        if (collection != null) {
            collection.close();
        }
    }

    @Test
    void eachMatchingSyscallArrivesAsOneRecordInOrder() throws InterruptedException {
        BlockingQueue<Ringtest.Event> events = new LinkedBlockingQueue<>();
        AtomicReference<Thread> handlerThread = new AtomicReference<>();
        AtomicReference<ByteBuffer> lastBuffer = new AtomicReference<>();
        try (RingBufferReader reader = RingBufferReader.start(collection.map("events"), "ringtest-events", record -> {
            handlerThread.set(Thread.currentThread());
            lastBuffer.set(record);
            events.add(Ringtest.Event.read(record));
        })) {
            Syscalls.getppid(5);

            for (long seq = 1; seq <= 5; seq++) {
                Ringtest.Event event = events.poll(5, TimeUnit.SECONDS);
                assertNotNull(event, "record " + seq);
                assertEquals(new Ringtest.Event((int) ProcessHandle.current().pid(), Syscalls.gettid(),
                        Syscalls.GETPPID, seq), event);
            }
            assertNull(events.poll(300, TimeUnit.MILLISECONDS), "only the five getppid calls of this thread");
            assertEquals(5, reader.recordsRead());
            assertEquals(0, reader.handlerFailures());
            assertEquals("ringtest-events", handlerThread.get().getName());
            assertTrue(handlerThread.get().isDaemon());
            assertTrue(lastBuffer.get().isReadOnly());
            assertEquals(ByteOrder.LITTLE_ENDIAN, lastBuffer.get().order(), "native order on x86-64");
        }
    }

    @Test
    void aThrowingHandlerIsCountedAndTheReaderGoesOn() {
        try (RingBufferReader reader = RingBufferReader.start(collection.map("events"), "ringtest-throwing", record -> {
            throw new IllegalStateException("handler fails on purpose");
        })) {
            Syscalls.getppid(3);

            awaitTrue(() -> reader.handlerFailures() == 3, () -> "failures: " + reader.handlerFailures());
            assertEquals(3, reader.recordsRead());
            assertTrue(reader.isRunning());
        }
    }

    @Test
    void closeFromAnotherThreadStopsThePollingThreadAndIsIdempotent() throws InterruptedException {
        AtomicReference<Thread> pollingThread = new AtomicReference<>();
        RingBufferReader reader = RingBufferReader.start(collection.map("events"), "ringtest-closed",
                record -> pollingThread.set(Thread.currentThread()));
        Syscalls.getppid(1);
        awaitTrue(() -> pollingThread.get() != null, () -> "no record arrived");

        Thread closer = Thread.ofPlatform().start(reader::close);
        closer.join(TimeUnit.SECONDS.toMillis(10));

        assertFalse(closer.isAlive(), "close returned");
        assertFalse(pollingThread.get().isAlive(), "close joined the polling thread");
        assertFalse(reader.isRunning());
        reader.close();
    }

    @Test
    void theHandlerMayCloseItsOwnReader() {
        AtomicReference<RingBufferReader> self = new AtomicReference<>();
        AtomicReference<Thread> pollingThread = new AtomicReference<>();
        RingBufferReader reader = RingBufferReader.start(collection.map("events"), "ringtest-self-closing", record -> {
            pollingThread.set(Thread.currentThread());
            self.get().close();
        });
        self.set(reader);

        Syscalls.getppid(1);

        awaitTrue(() -> pollingThread.get() != null && !pollingThread.get().isAlive(),
                () -> "the polling thread should end after closing itself");
        assertFalse(reader.isRunning());
        assertEquals(1, reader.recordsRead());
        assertEquals(0, reader.handlerFailures());
    }

    @Test
    void onlyRingBufferMapsCanBeRead() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RingBufferReader.start(collection.map("counts"), "wrong", record -> { }));
        assertEquals("map counts is a hash map, not a ringbuf", e.getMessage());
    }

    @Test
    void closingTheCollectionClosesItsReaders() {
        AtomicReference<Thread> pollingThread = new AtomicReference<>();
        RingBufferReader reader = RingBufferReader.start(collection.map("events"), "ringtest-owned",
                record -> pollingThread.set(Thread.currentThread()));
        Syscalls.getppid(1);
        awaitTrue(() -> pollingThread.get() != null, () -> "no record arrived");

        collection.close();

        assertFalse(reader.isRunning());
        assertFalse(pollingThread.get().isAlive());
        assertSame(IllegalStateException.class, assertThrows(IllegalStateException.class,
                () -> RingBufferReader.start(collection.map("events"), "late", record -> { })).getClass());
    }

    static void awaitTrue(BooleanSupplier condition, Supplier<String> message) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out: " + message.get());
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
