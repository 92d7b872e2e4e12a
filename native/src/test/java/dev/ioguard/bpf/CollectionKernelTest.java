package dev.ioguard.bpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The life of a loaded object: what it holds, what closing gives back to the kernel. */
class CollectionKernelTest {
    private static Map<String, Integer> fdsBeforeClass;

    @BeforeAll
    static void countFds() {
        fdsBeforeClass = FdCensus.anonymousInodes();
    }

    @AfterAll
    static void noFdLeftBehind() {
        if (fdsBeforeClass != null) {
            assertEquals(fdsBeforeClass, FdCensus.anonymousInodes(), "BPF fds leaked by the tests in this class");
        }
    }

    @BeforeEach
    void bpfIsUsable() {
        KernelTestSupport.requireBpf();
    }

    @Test
    void holdsItsLoadedProgramsAndEveryMap() {
        try (Collection collection = Ringtest.loadForThisThread()) {
            assertEquals("ringtest", collection.name());
            assertEquals(List.of(Ringtest.PROGRAM), collection.programs().stream().map(Program::name).toList());
            Program program = collection.program(Ringtest.PROGRAM);
            assertEquals("tp_btf/sys_enter", program.sectionName());
            assertTrue(program.fd() >= 0);
            assertEquals(List.of("counts", "percpu_counts", "totals", "events", "ringtest.rodata"),
                    collection.maps().stream().map(BpfMap::name).toList());
            assertSame(collection.map("ringtest.rodata"), collection.map(".rodata"));
        }
    }

    @Test
    void unknownAndUnloadedNamesAreIllegalArguments() {
        try (Collection collection = Ringtest.loadForThisThread()) {
            IllegalArgumentException unloaded = assertThrows(IllegalArgumentException.class,
                    () -> collection.program(Ringtest.REFUSED_FENTRY));
            assertEquals("program 'refused_fentry' of ringtest was not loaded (autoload off)", unloaded.getMessage());
            assertThrows(IllegalArgumentException.class, () -> collection.program("no_such_program"));
            assertThrows(IllegalArgumentException.class, () -> collection.map("no_such_map"));
            assertThrows(IllegalArgumentException.class, () -> collection.map(".data"));
        }
    }

    @Test
    void loadUsesTheSpecUpAndRodataReachesTheProgram() {
        CollectionSpec spec = Ringtest.open();
        spec.setAutoload(Ringtest.REFUSED_FENTRY, false);
        Ringtest.configureForThisThread(spec);
        byte[] config = spec.initialValue(".rodata");

        try (Collection collection = spec.load()) {
            spec.close(); // a no-op now: the collection owns the object
            assertThrows(IllegalStateException.class, spec::load);
            assertEquals(1, collection.map(".rodata").entries().size());
            assertEquals(List.of(new BpfMap.Entry(Ringtest.u32(0), config)), collection.map(".rodata").entries(),
                    "the frozen .rodata holds what setInitialValue wrote");
        }
    }

    @Test
    void closingALinkDetachesTheProgram() {
        try (Collection collection = Ringtest.loadForThisThread()) {
            BpfMap totals = collection.map("totals");
            Link link = collection.program(Ringtest.PROGRAM).attach();
            assertEquals(Ringtest.PROGRAM, link.programName());
            Syscalls.getppid(2);

            link.close();
            link.close();
            Syscalls.getppid(3);

            assertTrue(link.isClosed());
            assertEquals(2, Ringtest.u64(totals.lookup(Ringtest.u32(0))), "calls after close are not seen");
        }
    }

    @Test
    void closingTheCollectionClosesLinksReadersAndEveryFd() {
        Map<String, Integer> before = FdCensus.anonymousInodes();
        AtomicLong records = new AtomicLong();

        Collection collection = Ringtest.loadForThisThread();
        Link link = collection.program(Ringtest.PROGRAM).attach();
        RingBufferReader reader = RingBufferReader.start(collection.map("events"), "ringtest-fds",
                record -> records.incrementAndGet());
        Syscalls.getppid(4);
        RingBufferReaderKernelTest.awaitTrue(() -> records.get() == 4, () -> records + " records");
        assertEquals(4, collection.map("counts").entries().size() + 3, "one key: this thread");
        int bpfFdsWhileOpen = FdCensus.bpfFds(FdCensus.anonymousInodes());

        collection.close();
        collection.close();

        assertTrue(link.isClosed(), "the collection closed the link it had attached");
        assertFalse(reader.isRunning(), "and stopped the reader");
        assertTrue(bpfFdsWhileOpen >= FdCensus.bpfFds(before) + 7,
                "5 maps, 1 program, 1 link at least while open: " + bpfFdsWhileOpen);
        assertEquals(before, FdCensus.anonymousInodes(), "every map, program, link and epoll fd is closed");
        assertThrows(IllegalStateException.class, () -> collection.map("counts").lookup(Ringtest.u32(1)),
                "a closed collection's maps refuse use instead of touching a stale fd");
        assertThrows(IllegalStateException.class, () -> collection.program(Ringtest.PROGRAM).attach());
    }

    @Test
    void lookupsRacingWithCloseEitherCompleteOrAreRefused() throws InterruptedException {
        Map<String, Integer> before = FdCensus.anonymousInodes();
        Collection collection = Ringtest.loadForThisThread();
        BpfMap counts = collection.map("counts");
        counts.update(Ringtest.u32(1), Ringtest.u64(1), BpfMap.UPDATE_ANY);
        AtomicLong completed = new AtomicLong();
        ConcurrentLinkedQueue<Throwable> unexpected = new ConcurrentLinkedQueue<>();
        CountDownLatch running = new CountDownLatch(4);
        List<Thread> readers = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            readers.add(Thread.ofPlatform().start(() -> {
                running.countDown();
                try {
                    while (true) {
                        if (Ringtest.u64(counts.lookup(Ringtest.u32(1))) != 1) {
                            throw new AssertionError("wrong value");
                        }
                        completed.incrementAndGet();
                    }
                } catch (IllegalStateException refusedAfterClose) {
                    // The expected way out.
                } catch (Throwable t) {
                    unexpected.add(t);
                }
            }));
        }
        running.await();
        RingBufferReaderKernelTest.awaitTrue(() -> completed.get() > 1000, () -> completed + " lookups");

        collection.close();
        for (Thread reader : readers) {
            reader.join(TimeUnit.SECONDS.toMillis(10));
        }

        assertEquals(List.of(), List.copyOf(unexpected), "no lookup may see a closed or reused fd");
        assertTrue(readers.stream().noneMatch(Thread::isAlive));
        assertEquals(before, FdCensus.anonymousInodes());
    }
}
