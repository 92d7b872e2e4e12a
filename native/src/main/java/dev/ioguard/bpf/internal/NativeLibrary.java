package dev.ioguard.bpf.internal;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * Thread-safe: immutable after class initialisation. Finds {@code libbpf.so.1} and the C library
 * and builds downcall handles; nothing else in the binding touches {@link Linker} lookups.
 *
 * <p>Only the runtime soname is looked up: the unversioned {@code libbpf.so} symlink exists only
 * where libbpf-dev is installed.
 */
public final class NativeLibrary {
    public static final String LIBBPF = "libbpf.so.1";

    static final Linker LINKER = Linker.nativeLinker();
    /** errno as left by the call, for pointer-returning libbpf functions that return NULL on error. */
    static final Linker.Option CAPTURE_ERRNO = Linker.Option.captureCallState("errno");
    static final StructLayout CAPTURE_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO =
            CAPTURE_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));

    private static final SymbolLookup LIBBPF_SYMBOLS;
    private static final String UNAVAILABLE_REASON;

    static {
        SymbolLookup symbols = null;
        String reason = null;
        if (ValueLayout.ADDRESS.byteSize() != 8) {
            reason = "the binding supports 64-bit platforms only";
        } else {
            try {
                symbols = SymbolLookup.libraryLookup(LIBBPF, Arena.global());
            } catch (IllegalArgumentException | IllegalCallerException e) {
                reason = e.getMessage();
            }
        }
        LIBBPF_SYMBOLS = symbols;
        UNAVAILABLE_REASON = reason;
    }

    private NativeLibrary() {}

    public static boolean available() {
        return LIBBPF_SYMBOLS != null;
    }

    /**
     * Throws unless libbpf can be called, and installs the print callback first so that every
     * later libbpf message reaches {@link LibbpfLog}. Every public entry point calls this.
     */
    public static void requireAvailable() {
        if (LIBBPF_SYMBOLS == null) {
            throw new IllegalStateException(LIBBPF + " cannot be loaded (" + UNAVAILABLE_REASON
                    + "): install the libbpf 1.x runtime package (Debian/Ubuntu: libbpf1)");
        }
        LibbpfLog.install();
    }

    static MethodHandle libbpf(String name, FunctionDescriptor descriptor, Linker.Option... options) {
        MemorySegment symbol = LIBBPF_SYMBOLS.find(name)
                .orElseThrow(() -> new IllegalStateException(LIBBPF + " has no symbol " + name
                        + ": libbpf 1.x is required"));
        return LINKER.downcallHandle(symbol, descriptor, options);
    }

    static MethodHandle libc(String name, FunctionDescriptor descriptor, Linker.Option... options) {
        MemorySegment symbol = LINKER.defaultLookup().find(name)
                .orElseThrow(() -> new IllegalStateException("the C library has no symbol " + name));
        return LINKER.downcallHandle(symbol, descriptor, options);
    }

    static int errno(MemorySegment captureState) {
        return (int) ERRNO.get(captureState, 0L);
    }

    /** Reads a NUL-terminated C string, or returns null for NULL. */
    static String string(MemorySegment pointer) {
        return pointer.address() == 0 ? null : pointer.reinterpret(Long.MAX_VALUE).getString(0);
    }

    /** Downcalls declare Throwable; only unchecked ones can actually come out of them. */
    static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException e) {
            throw e;
        }
        if (t instanceof Error e) {
            throw e;
        }
        throw new IllegalStateException("unexpected checked exception from a downcall", t);
    }
}
