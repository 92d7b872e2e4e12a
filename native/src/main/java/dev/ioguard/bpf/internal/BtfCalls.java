package dev.ioguard.bpf.internal;

import static dev.ioguard.bpf.internal.NativeLibrary.CAPTURE_ERRNO;
import static dev.ioguard.bpf.internal.NativeLibrary.CAPTURE_STATE;
import static dev.ioguard.bpf.internal.NativeLibrary.libbpf;
import static dev.ioguard.bpf.internal.NativeLibrary.rethrow;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * Thread-safe for reads: parsed BTF is immutable once loaded. The caller owns the {@code struct btf}
 * through a {@link NativeHandle} of kind BTF.
 */
public final class BtfCalls {
    private static final MethodHandle LOAD_VMLINUX = libbpf("btf__load_vmlinux_btf",
            FunctionDescriptor.of(ADDRESS), CAPTURE_ERRNO);
    private static final MethodHandle FIND_BY_NAME_KIND = libbpf("btf__find_by_name_kind",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT));
    private static final MethodHandle TYPE_BY_ID = libbpf("btf__type_by_id",
            FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_INT));
    private static final MethodHandle LOAD_MODULE = libbpf("btf__load_module_btf",
            FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS), CAPTURE_ERRNO);
    private static final MethodHandle TYPE_CNT = libbpf("btf__type_cnt",
            FunctionDescriptor.of(JAVA_INT, ADDRESS));
    private static final MethodHandle NAME_BY_OFFSET = libbpf("btf__name_by_offset",
            FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_INT));
    private static final MethodHandle FREE = libbpf("btf__free", FunctionDescriptor.ofVoid(ADDRESS));

    private BtfCalls() {}

    /** Parses the running kernel's BTF ({@code /sys/kernel/btf/vmlinux}); NULL and errno on failure. */
    public static PointerResult loadVmlinux() {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment state = call.allocate(CAPTURE_STATE);
            MemorySegment btf = (MemorySegment) LOAD_VMLINUX.invokeExact(state);
            return PointerResult.of(btf, state);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * Parses a module's BTF ({@code /sys/kernel/btf/<module>}, CONFIG_DEBUG_INFO_BTF_MODULES) split
     * on top of {@code vmlinux}, which must outlive it; NULL and errno on failure.
     */
    public static PointerResult loadModule(String module, MemorySegment vmlinux) {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment state = call.allocate(CAPTURE_STATE);
            MemorySegment btf = (MemorySegment) LOAD_MODULE.invokeExact(state, call.allocateFrom(module), vmlinux);
            return PointerResult.of(btf, state);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** The number of type ids, the void type (id 0) included; split BTF counts its base's too. */
    public static int typeCount(MemorySegment btf) {
        try {
            return (int) TYPE_CNT.invokeExact(btf);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** The string at {@code offset} of the string section, or null. */
    public static String nameByOffset(MemorySegment btf, int offset) {
        try {
            MemorySegment name = (MemorySegment) NAME_BY_OFFSET.invokeExact(btf, offset);
            return name.address() == 0 ? null : name.reinterpret(Long.MAX_VALUE).getString(0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** The type id, or a negative error (-ENOENT) when there is no such type. */
    public static int findByNameKind(MemorySegment btf, String name, int kind) {
        try (Arena arena = Arena.ofConfined()) {
            return (int) FIND_BY_NAME_KIND.invokeExact(btf, arena.allocateFrom(name), kind);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** The {@code struct btf_type} of {@code id}, readable through {@link Structs#BTF_TYPE}; NULL if none. */
    public static MemorySegment typeById(MemorySegment btf, int id) {
        try {
            MemorySegment type = (MemorySegment) TYPE_BY_ID.invokeExact(btf, id);
            return type.address() == 0 ? type : type.reinterpret(Structs.BTF_TYPE.byteSize());
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static void free(MemorySegment btf) {
        try {
            FREE.invokeExact(btf);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }
}
