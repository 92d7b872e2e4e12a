package dev.ioguard.bpf.internal;

import static dev.ioguard.bpf.internal.NativeLibrary.libbpf;
import static dev.ioguard.bpf.internal.NativeLibrary.rethrow;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * Thread-safe: stateless downcalls to libbpf's thin {@code bpf(2)} wrappers for map elements. The
 * kernel synchronises concurrent element operations. Each returns 0 (or an fd) or -errno.
 */
public final class MapCalls {
    private static final MethodHandle LOOKUP = libbpf("bpf_map_lookup_elem",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle UPDATE = libbpf("bpf_map_update_elem",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG));
    private static final MethodHandle DELETE = libbpf("bpf_map_delete_elem",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
    private static final MethodHandle NEXT_KEY = libbpf("bpf_map_get_next_key",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle LOOKUP_BATCH = libbpf("bpf_map_lookup_batch",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS));
    private static final MethodHandle CREATE = libbpf("bpf_map_create",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS));

    private MapCalls() {}

    public static int lookup(int fd, MemorySegment key, MemorySegment value) {
        try {
            return (int) LOOKUP.invokeExact(fd, key, value);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int update(int fd, MemorySegment key, MemorySegment value, long flags) {
        try {
            return (int) UPDATE.invokeExact(fd, key, value, flags);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int delete(int fd, MemorySegment key) {
        try {
            return (int) DELETE.invokeExact(fd, key);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code key} NULL asks for the first key; -ENOENT after the last. */
    public static int nextKey(int fd, MemorySegment key, MemorySegment nextKey) {
        try {
            return (int) NEXT_KEY.invokeExact(fd, key, nextKey);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * One {@code BPF_MAP_LOOKUP_BATCH} step. {@code count} holds the capacity on entry and the
     * number of entries copied on return, also when the result is -ENOENT (the last step).
     */
    public static int lookupBatch(int fd, MemorySegment inBatch, MemorySegment outBatch, MemorySegment keys,
                                  MemorySegment values, MemorySegment count, Arena arena) {
        MemorySegment opts = Structs.mapBatchOpts(arena);
        try {
            return (int) LOOKUP_BATCH.invokeExact(fd, inBatch, outBatch, keys, values, count, opts);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Creates an unnamed map without options; returns its fd, which the caller must own. */
    public static int create(int type, int keySize, int valueSize, int maxEntries) {
        try {
            return (int) CREATE.invokeExact(type, MemorySegment.NULL, keySize, valueSize, maxEntries,
                    MemorySegment.NULL);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }
}
