package dev.ioguard.bpf.internal;

import static dev.ioguard.bpf.internal.NativeLibrary.libbpf;
import static dev.ioguard.bpf.internal.NativeLibrary.rethrow;
import static dev.ioguard.bpf.internal.NativeLibrary.string;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/** Thread-safe: libbpf's process-wide functions (print hook, CPU count, error texts, version). */
public final class LibbpfGlobals {
    private static final MethodHandle SET_PRINT = libbpf("libbpf_set_print", FunctionDescriptor.of(ADDRESS, ADDRESS));
    private static final MethodHandle POSSIBLE_CPUS = libbpf("libbpf_num_possible_cpus", FunctionDescriptor.of(JAVA_INT));
    private static final MethodHandle STRERROR = libbpf("libbpf_strerror",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle MAP_TYPE_STR = libbpf("libbpf_bpf_map_type_str",
            FunctionDescriptor.of(ADDRESS, JAVA_INT));
    private static final MethodHandle VERSION = libbpf("libbpf_version_string", FunctionDescriptor.of(ADDRESS));

    private LibbpfGlobals() {}

    static void setPrint(MemorySegment callback) {
        try {
            // The previous callback (libbpf's stderr printer) is not kept: this one replaces it for good.
            MemorySegment previous = (MemorySegment) SET_PRINT.invokeExact(callback);
            assert previous.address() != callback.address();
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** The number of possible CPUs (sysfs {@code cpu/possible}), or -errno. */
    public static int possibleCpus() {
        try {
            return (int) POSSIBLE_CPUS.invokeExact();
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** libbpf's text for an errno or a libbpf-specific error (4000 and up). */
    public static String strerror(int errno) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buffer = arena.allocate(128);
            int rc = (int) STRERROR.invokeExact(errno, buffer, buffer.byteSize());
            return rc == 0 ? buffer.getString(0) : null;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** libbpf's name for a map type ("hash", "percpu_hash", ...), or null if unknown to it. */
    public static String mapTypeName(int type) {
        try {
            return string((MemorySegment) MAP_TYPE_STR.invokeExact(type));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static String version() {
        try {
            return string((MemorySegment) VERSION.invokeExact());
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }
}
