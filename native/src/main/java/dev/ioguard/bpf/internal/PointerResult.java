package dev.ioguard.bpf.internal;

import java.lang.foreign.MemorySegment;

/**
 * Thread-safe: immutable. What a pointer-returning libbpf call gave back: the pointer, or NULL and
 * the errno it left behind.
 */
public record PointerResult(MemorySegment pointer, int errno) {
    static PointerResult of(MemorySegment pointer, MemorySegment captureState) {
        return new PointerResult(pointer, pointer.address() == 0 ? NativeLibrary.errno(captureState) : 0);
    }

    public boolean failed() {
        return pointer.address() == 0;
    }
}
