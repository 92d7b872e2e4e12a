package dev.ioguard.bpf;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import dev.ioguard.bpf.internal.Errno;
import dev.ioguard.bpf.internal.LibbpfGlobals;
import dev.ioguard.bpf.internal.MapCalls;
import dev.ioguard.bpf.internal.ObjectCalls;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * Thread-safe: every method may be called from any thread, concurrently; the kernel synchronises
 * element operations (a whole-map read is not a snapshot: entries can change while it runs). A
 * map created by its {@link Collection}, valid until the collection is closed.
 *
 * <p>Keys and values are raw bytes in the kernel's layout. For per-CPU maps a value holds one slot
 * per possible CPU, each {@code round_up(valueSize, 8)} bytes: see {@link #valueBufferSize()} and
 * {@link #perCpuValues(byte[])}.
 */
public final class BpfMap {
    /** {@code enum bpf_map_type} values the binding treats specially. */
    public static final int TYPE_HASH = 1;
    public static final int TYPE_ARRAY = 2;
    public static final int TYPE_PERCPU_HASH = 5;
    public static final int TYPE_PERCPU_ARRAY = 6;
    public static final int TYPE_LRU_HASH = 9;
    public static final int TYPE_LRU_PERCPU_HASH = 10;
    public static final int TYPE_PERCPU_CGROUP_STORAGE = 21;
    public static final int TYPE_RINGBUF = 27;

    /** {@link #update} flags: create or replace; create only; replace only. */
    public static final long UPDATE_ANY = 0;
    public static final long UPDATE_NOEXIST = 1;
    public static final long UPDATE_EXIST = 2;

    /** Entries fetched per {@code BPF_MAP_LOOKUP_BATCH} call at first (grown on ENOSPC). */
    static final int DEFAULT_BATCH = 256;

    private final Collection owner;
    private final String name;
    private final int type;
    private final int keySize;
    private final int valueSize;
    private final int maxEntries;
    private final int fd;

    BpfMap(Collection owner, MemorySegment pointer) {
        this.owner = owner;
        this.name = ObjectCalls.mapName(pointer);
        this.type = ObjectCalls.mapType(pointer);
        this.keySize = ObjectCalls.keySize(pointer);
        this.valueSize = ObjectCalls.valueSize(pointer);
        this.maxEntries = ObjectCalls.maxEntries(pointer);
        this.fd = ObjectCalls.mapFd(pointer);
    }

    public String name() {
        return name;
    }

    /** The {@code enum bpf_map_type} value, e.g. {@link #TYPE_HASH}. */
    public int type() {
        return type;
    }

    /** libbpf's name of the type: "hash", "percpu_array", "ringbuf", ... */
    public String typeName() {
        String typeName = LibbpfGlobals.mapTypeName(type);
        return typeName == null ? "type " + type : typeName;
    }

    public int keySize() {
        return keySize;
    }

    /** The size of one CPU's value. */
    public int valueSize() {
        return valueSize;
    }

    public int maxEntries() {
        return maxEntries;
    }

    /** The map fd, owned by the collection: do not close it. */
    public int fd() {
        return fd;
    }

    public boolean isPerCpu() {
        return type == TYPE_PERCPU_HASH || type == TYPE_PERCPU_ARRAY || type == TYPE_LRU_PERCPU_HASH
                || type == TYPE_PERCPU_CGROUP_STORAGE;
    }

    /** The bytes of one value as user space sees it: per-CPU values hold a padded slot per CPU. */
    public int valueBufferSize() {
        return isPerCpu() ? roundUp8(valueSize) * Libbpf.possibleCpus() : valueSize;
    }

    /** Splits a per-CPU value into one {@link #valueSize()}-byte array per possible CPU. */
    public List<byte[]> perCpuValues(byte[] value) {
        if (!isPerCpu()) {
            throw new IllegalStateException("map " + name + " (" + typeName() + ") is not per-CPU");
        }
        checkSize("value", value, valueBufferSize());
        int stride = roundUp8(valueSize);
        List<byte[]> slots = new ArrayList<>();
        for (int offset = 0; offset < value.length; offset += stride) {
            slots.add(Arrays.copyOfRange(value, offset, offset + valueSize));
        }
        return slots;
    }

    /** The value stored under {@code key}, or null when there is none. */
    public byte[] lookup(byte[] key) {
        checkSize("key", key, keySize);
        owner.acquire();
        try {
            return MapReads.lookup(this, key);
        } finally {
            owner.release();
        }
    }

    /**
     * Stores {@code value} under {@code key}.
     *
     * @param flags {@link #UPDATE_ANY}, {@link #UPDATE_NOEXIST} or {@link #UPDATE_EXIST}
     * @throws BpfException e.g. EEXIST for UPDATE_NOEXIST on a present key, E2BIG when full
     */
    public void update(byte[] key, byte[] value, long flags) {
        checkSize("key", key, keySize);
        checkSize("value", value, valueBufferSize());
        owner.acquire();
        try (Arena arena = Arena.ofConfined()) {
            int rc = MapCalls.update(fd, arena.allocateFrom(JAVA_BYTE, key), arena.allocateFrom(JAVA_BYTE, value),
                    flags);
            if (rc < 0) {
                throw Failures.of("update", name, -rc);
            }
        } finally {
            owner.release();
        }
    }

    /** Removes {@code key}; false when it was absent. */
    public boolean delete(byte[] key) {
        checkSize("key", key, keySize);
        owner.acquire();
        try (Arena arena = Arena.ofConfined()) {
            int rc = MapCalls.delete(fd, arena.allocateFrom(JAVA_BYTE, key));
            if (rc == -Errno.ENOENT) {
                return false;
            }
            if (rc < 0) {
                throw Failures.of("delete", name, -rc);
            }
            return true;
        } finally {
            owner.release();
        }
    }

    /**
     * Every entry. Hash and array maps are read with {@code BPF_MAP_LOOKUP_BATCH} (one syscall per
     * batch instead of two per key); other types, and kernels without batch support, key by key.
     * Arrays yield every index.
     */
    public List<Entry> entries() {
        return entries(DEFAULT_BATCH);
    }

    /** {@link #entries()} with a chosen first batch size, so tests can force growth on ENOSPC. */
    List<Entry> entries(int firstBatch) {
        owner.acquire();
        try {
            if (batchable()) {
                List<Entry> entries = MapReads.batch(this, firstBatch);
                if (entries != null) {
                    return entries;
                }
            }
            return isArray() ? MapReads.byIndex(this) : MapReads.byNextKey(this);
        } finally {
            owner.release();
        }
    }

    /** An entry of {@link #entries()}; the arrays are the caller's copies. */
    public record Entry(byte[] key, byte[] value) {
        public Entry {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(value, "value");
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Entry e && Arrays.equals(key, e.key) && Arrays.equals(value, e.value);
        }

        @Override
        public int hashCode() {
            return 31 * Arrays.hashCode(key) + Arrays.hashCode(value);
        }

        @Override
        public String toString() {
            return "Entry[key=" + HexFormat.of().formatHex(key) + ", value="
                    + HexFormat.of().formatHex(value) + "]";
        }
    }

    @Override
    public String toString() {
        return "BpfMap " + name + " (" + typeName() + ", key " + keySize + " B, value " + valueSize + " B, max "
                + maxEntries + ")";
    }

    Collection owner() {
        return owner;
    }

    boolean isArray() {
        return type == TYPE_ARRAY || type == TYPE_PERCPU_ARRAY;
    }

    private boolean batchable() {
        return isArray() || type == TYPE_HASH || type == TYPE_PERCPU_HASH || type == TYPE_LRU_HASH
                || type == TYPE_LRU_PERCPU_HASH;
    }

    private void checkSize(String what, byte[] bytes, int expected) {
        Objects.requireNonNull(bytes, what);
        if (bytes.length != expected) {
            throw new IllegalArgumentException(what + " of map " + name + " must be " + expected + " bytes, not "
                    + bytes.length);
        }
    }

    private static int roundUp8(int size) {
        return (size + 7) & ~7;
    }
}
