package dev.ioguard.bpf;

import static dev.ioguard.bpf.Ringtest.u32;
import static dev.ioguard.bpf.Ringtest.u64;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Reading and writing each map kind the exporter uses, filled by the program and by the test. */
class BpfMapKernelTest {
    private static final int CALLS = 7;

    private Collection collection;
    private int tid;

    @BeforeEach
    void loadAttachAndTrigger() {
        KernelTestSupport.requireBpf();
        collection = Ringtest.loadForThisThread();
        tid = Syscalls.gettid();
        try (Link link = collection.program(Ringtest.PROGRAM).attach()) {
            Syscalls.getppid(CALLS);
        }
    }

    @AfterEach
    void closeCollection() {
        if (collection != null) {
            collection.close();
        }
    }

    @Test
    void mapsDescribeThemselves() {
        BpfMap counts = collection.map("counts");
        assertEquals(BpfMap.TYPE_HASH, counts.type());
        assertEquals("hash", counts.typeName());
        assertEquals(4, counts.keySize());
        assertEquals(8, counts.valueSize());
        assertEquals(1024, counts.maxEntries());
        assertTrue(counts.fd() >= 0);
        assertFalse(counts.isPerCpu());
        assertEquals(8, counts.valueBufferSize());

        BpfMap percpu = collection.map("percpu_counts");
        assertTrue(percpu.isPerCpu());
        assertEquals(8 * Libbpf.possibleCpus(), percpu.valueBufferSize());
        assertTrue(Runtime.getRuntime().availableProcessors() <= Libbpf.possibleCpus());
    }

    @Test
    void hashLookupFindsWhatTheProgramCounted() {
        BpfMap counts = collection.map("counts");

        assertEquals(CALLS, u64(counts.lookup(u32(tid))));
        assertNull(counts.lookup(u32(tid + 1)), "an absent key is null, not an exception");
    }

    @Test
    void hashUpdateAndDeleteFromUserSpace() {
        BpfMap counts = collection.map("counts");
        byte[] key = u32(999_999);

        counts.update(key, u64(41), BpfMap.UPDATE_NOEXIST);
        counts.update(key, u64(42), BpfMap.UPDATE_EXIST);
        assertEquals(42, u64(counts.lookup(key)));

        BpfException exists = assertThrows(BpfException.class, () -> counts.update(key, u64(1), BpfMap.UPDATE_NOEXIST));
        assertEquals(17, exists.errno(), exists.getMessage());
        assertEquals("update", exists.operation());
        assertEquals("counts", exists.objectName());

        assertTrue(counts.delete(key));
        assertFalse(counts.delete(key), "deleting an absent key is false, not an exception");
        assertNull(counts.lookup(key));
    }

    @Test
    void wrongSizedKeysAndValuesAreRefusedBeforeTheSyscall() {
        BpfMap counts = collection.map("counts");

        assertThrows(IllegalArgumentException.class, () -> counts.lookup(new byte[8]));
        assertThrows(IllegalArgumentException.class, () -> counts.update(u32(1), new byte[4], BpfMap.UPDATE_ANY));
        assertThrows(IllegalArgumentException.class, () -> counts.delete(new byte[2]));
    }

    @Test
    void perCpuValuesSumToTheCount() {
        BpfMap percpu = collection.map("percpu_counts");

        byte[] value = percpu.lookup(u32(tid));

        List<byte[]> slots = percpu.perCpuValues(value);
        assertEquals(Libbpf.possibleCpus(), slots.size());
        assertEquals(CALLS, slots.stream().mapToLong(Ringtest::u64).sum());
    }

    @Test
    void perCpuEntriesComeFromABatchAndSumToo() {
        BpfMap percpu = collection.map("percpu_counts");

        List<BpfMap.Entry> entries = percpu.entries();

        assertEquals(1, entries.size());
        assertEquals(tid, u32(entries.getFirst().key()));
        assertEquals(CALLS, percpu.perCpuValues(entries.getFirst().value()).stream().mapToLong(Ringtest::u64).sum());
    }

    @Test
    void arrayEntriesCoverEveryIndex() {
        BpfMap totals = collection.map("totals");

        List<BpfMap.Entry> entries = totals.entries();

        assertEquals(4, entries.size());
        for (int index = 0; index < 4; index++) {
            assertEquals(index, u32(entries.get(index).key()));
            assertEquals(index == 0 ? CALLS : 0, u64(entries.get(index).value()));
        }
        assertEquals(entries, MapReads.byIndex(totals), "batch and index-by-index reads agree");
    }

    @Test
    void batchReadsGrowWhenAHashBucketDoesNotFit() {
        BpfMap counts = collection.map("counts");
        Map<Integer, Long> expected = new HashMap<>();
        expected.put(tid, (long) CALLS);
        // 300 keys in 1024 buckets: some bucket holds two, which a batch of one cannot take (ENOSPC).
        for (int key = 1; key <= 300; key++) {
            counts.update(u32(key), u64(key * 10L), BpfMap.UPDATE_ANY);
            expected.put(key, key * 10L);
        }

        assertEquals(expected, asMap(counts.entries(1)));
        assertEquals(expected, asMap(counts.entries()));
        assertEquals(expected, asMap(MapReads.byNextKey(counts)), "the key-by-key fallback agrees");
    }

    @Test
    void ringBufferMapsHaveNoElementsToLookUp() {
        BpfMap events = collection.map("events");

        assertEquals(BpfMap.TYPE_RINGBUF, events.type());
        assertEquals(0, events.keySize());
        BpfException e = assertThrows(BpfException.class, () -> events.lookup(new byte[0]));
        assertEquals("lookup", e.operation());
        assertEquals("events", e.objectName());
    }

    private static Map<Integer, Long> asMap(List<BpfMap.Entry> entries) {
        Map<Integer, Long> map = new HashMap<>();
        for (BpfMap.Entry entry : entries) {
            Long previous = map.put(u32(entry.key()), u64(entry.value()));
            assertNull(previous, "duplicate key " + u32(entry.key()));
        }
        return map;
    }
}
