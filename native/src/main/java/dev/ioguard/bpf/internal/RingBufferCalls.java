package dev.ioguard.bpf.internal;

import static dev.ioguard.bpf.internal.NativeLibrary.CAPTURE_ERRNO;
import static dev.ioguard.bpf.internal.NativeLibrary.CAPTURE_STATE;
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
 * Not thread-safe per ring buffer: libbpf's {@code ring_buffer} must be polled by one thread at a
 * time, and the sample callback runs on that thread.
 */
public final class RingBufferCalls {
    /** {@code int (*ring_buffer_sample_fn)(void *ctx, void *data, size_t size)}. */
    public static final FunctionDescriptor SAMPLE_CALLBACK =
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG);

    private static final MethodHandle NEW = libbpf("ring_buffer__new",
            FunctionDescriptor.of(ADDRESS, JAVA_INT, ADDRESS, ADDRESS, ADDRESS), CAPTURE_ERRNO);
    private static final MethodHandle POLL = libbpf("ring_buffer__poll",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle FREE = libbpf("ring_buffer__free", FunctionDescriptor.ofVoid(ADDRESS));

    private RingBufferCalls() {}

    public static MemorySegment upcallStub(MethodHandle target, Arena arena) {
        return NativeLibrary.LINKER.upcallStub(target, SAMPLE_CALLBACK, arena);
    }

    public static PointerResult create(int mapFd, MemorySegment callback) {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment state = call.allocate(CAPTURE_STATE);
            MemorySegment opts = Structs.ringBufferOpts(call);
            MemorySegment ring = (MemorySegment) NEW.invokeExact(state, mapFd, callback, MemorySegment.NULL, opts);
            return PointerResult.of(ring, state);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Consumes what is available, waiting up to {@code timeoutMillis}; the number of records or -errno. */
    public static int poll(MemorySegment ring, int timeoutMillis) {
        try {
            return (int) POLL.invokeExact(ring, timeoutMillis);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static void free(MemorySegment ring) {
        try {
            FREE.invokeExact(ring);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }
}
