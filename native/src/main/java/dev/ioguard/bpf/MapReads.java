package dev.ioguard.bpf;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import dev.ioguard.bpf.internal.Errno;
import dev.ioguard.bpf.internal.MapCalls;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Thread-safe: stateless. Element reads of a {@link BpfMap}; the caller holds the map's collection
 * (acquire/release) around each call.
 */
final class MapReads {
    private MapReads() {}

    /** The value under {@code key}, or null on ENOENT. */
    static byte[] lookup(BpfMap map, byte[] key) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment value = arena.allocate(map.valueBufferSize(), 8);
            int rc = MapCalls.lookup(map.fd(), arena.allocateFrom(JAVA_BYTE, key), value);
            if (rc == -Errno.ENOENT) {
                return null;
            }
            if (rc < 0) {
                throw Failures.of("lookup", map.name(), -rc);
            }
            return value.toArray(JAVA_BYTE);
        }
    }

    /**
     * Reads the map in {@code BPF_MAP_LOOKUP_BATCH} steps: -ENOENT marks the last step (which may
     * still carry entries), -ENOSPC with nothing copied means a hash bucket did not fit. Returns
     * null when the kernel has no batch operation for the map (before 5.6).
     */
    static List<BpfMap.Entry> batch(BpfMap map, int firstBatch) {
        int keySize = map.keySize();
        int valueSize = map.valueBufferSize();
        int capacity = Math.max(1, Math.min(firstBatch, map.maxEntries()));
        List<BpfMap.Entry> entries = new ArrayList<>();
        try (Arena arena = Arena.ofConfined()) {
            // The batch token is a u32 bucket index for hash maps and a key for arrays.
            long tokenSize = Math.max(keySize, 8);
            MemorySegment inBatch = arena.allocate(tokenSize, 8);
            MemorySegment outBatch = arena.allocate(tokenSize, 8);
            MemorySegment count = arena.allocate(JAVA_INT);
            MemorySegment keys = arena.allocate((long) keySize * capacity, 8);
            MemorySegment values = arena.allocate((long) valueSize * capacity, 8);
            boolean first = true;
            while (true) {
                count.set(JAVA_INT, 0, capacity);
                int rc = MapCalls.lookupBatch(map.fd(), first ? MemorySegment.NULL : inBatch, outBatch, keys, values,
                        count, arena);
                int copied = count.get(JAVA_INT, 0);
                if (rc == -Errno.ENOSPC && copied == 0) {
                    // Retry the same step with room for the whole bucket.
                    capacity *= 2;
                    keys = arena.allocate((long) keySize * capacity, 8);
                    values = arena.allocate((long) valueSize * capacity, 8);
                    continue;
                }
                if (rc < 0 && rc != -Errno.ENOENT) {
                    if (first && unsupported(-rc)) {
                        return null;
                    }
                    throw Failures.of("lookup_batch", map.name(), -rc);
                }
                for (int i = 0; i < copied; i++) {
                    entries.add(new BpfMap.Entry(
                            keys.asSlice((long) i * keySize, keySize).toArray(JAVA_BYTE),
                            values.asSlice((long) i * valueSize, valueSize).toArray(JAVA_BYTE)));
                }
                if (rc == -Errno.ENOENT) {
                    return entries;
                }
                MemorySegment.copy(outBatch, 0, inBatch, 0, tokenSize);
                first = false;
            }
        }
    }

    /** Arrays: every index from 0 to max_entries - 1. */
    static List<BpfMap.Entry> byIndex(BpfMap map) {
        List<BpfMap.Entry> entries = new ArrayList<>(map.maxEntries());
        for (int index = 0; index < map.maxEntries(); index++) {
            byte[] key = ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(index).array();
            byte[] value = lookup(map, key);
            if (value != null) {
                entries.add(new BpfMap.Entry(key, value));
            }
        }
        return entries;
    }

    /** Walks {@code get_next_key}; stops at a repeated key, since a deleted key restarts the walk. */
    static List<BpfMap.Entry> byNextKey(BpfMap map) {
        int keySize = map.keySize();
        List<BpfMap.Entry> entries = new ArrayList<>();
        Set<ByteBuffer> seen = new HashSet<>();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment key = arena.allocate(Math.max(1, keySize), 8);
            MemorySegment next = arena.allocate(Math.max(1, keySize), 8);
            boolean first = true;
            while (true) {
                int rc = MapCalls.nextKey(map.fd(), first ? MemorySegment.NULL : key, next);
                if (rc == -Errno.ENOENT) {
                    return entries;
                }
                if (rc < 0) {
                    throw Failures.of("get_next_key", map.name(), -rc);
                }
                byte[] keyBytes = next.asSlice(0, keySize).toArray(JAVA_BYTE);
                if (!seen.add(ByteBuffer.wrap(keyBytes))) {
                    return entries;
                }
                byte[] value = lookup(map, keyBytes);
                if (value != null) {
                    entries.add(new BpfMap.Entry(keyBytes, value));
                }
                MemorySegment.copy(next, 0, key, 0, keySize);
                first = false;
            }
        }
    }

    private static boolean unsupported(int errno) {
        return errno == Errno.EINVAL || errno == Errno.EOPNOTSUPP || errno == Errno.ENOTSUPP;
    }
}
