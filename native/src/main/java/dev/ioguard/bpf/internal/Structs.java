package dev.ioguard.bpf.internal;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BOOLEAN;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;

/**
 * Thread-safe: constants and stateless allocators. The C struct layouts the binding relies on, as
 * in libbpf 1.1's headers; StructsTest pins each size and offset. {@code size_t} is 64 bits
 * (NativeLibrary refuses other platforms).
 */
public final class Structs {
    /** {@code struct bpf_object_open_opts} (libbpf.h), 80 bytes in libbpf 1.1. */
    public static final StructLayout OPEN_OPTS = MemoryLayout.structLayout(
            JAVA_LONG.withName("sz"),
            ADDRESS.withName("object_name"),
            JAVA_BOOLEAN.withName("relaxed_maps"),
            MemoryLayout.paddingLayout(7),
            ADDRESS.withName("pin_root_path"),
            JAVA_INT.withName("removed_attach_prog_fd"),
            MemoryLayout.paddingLayout(4),
            ADDRESS.withName("kconfig"),
            ADDRESS.withName("btf_custom_path"),
            ADDRESS.withName("kernel_log_buf"),
            JAVA_LONG.withName("kernel_log_size"),
            JAVA_INT.withName("kernel_log_level"),
            MemoryLayout.paddingLayout(4)).withName("bpf_object_open_opts");

    /** {@code struct ring_buffer_opts} (libbpf.h): only {@code sz}. */
    public static final StructLayout RING_BUFFER_OPTS =
            MemoryLayout.structLayout(JAVA_LONG.withName("sz")).withName("ring_buffer_opts");

    /** {@code struct bpf_map_batch_opts} (bpf.h). */
    public static final StructLayout MAP_BATCH_OPTS = MemoryLayout.structLayout(
            JAVA_LONG.withName("sz"),
            JAVA_LONG.withName("elem_flags"),
            JAVA_LONG.withName("flags")).withName("bpf_map_batch_opts");

    /** {@code struct btf_type} (linux/btf.h); the last field is the union of {@code size} and {@code type}. */
    public static final StructLayout BTF_TYPE = MemoryLayout.structLayout(
            JAVA_INT.withName("name_off"),
            JAVA_INT.withName("info"),
            JAVA_INT.withName("size_or_type")).withName("btf_type");

    /**
     * {@code struct btf_enum} and {@code struct btf_enum64} (linux/btf.h), the members after an enum's
     * btf_type: the name offset first, then the value (its low 32 bits for enum64).
     */
    public static final long BTF_ENUM_SIZE = 8;
    public static final long BTF_ENUM64_SIZE = 12;
    public static final long BTF_ENUM_VALUE = 4;

    /**
     * The prefix of {@code struct bpf_prog_info} (linux/bpf.h) up to the run statistics; the
     * kernel fills as much as the given length allows (232 bytes on 6.18 headers).
     */
    public static final long PROG_INFO_SIZE = 232;
    public static final long PROG_INFO_RUN_TIME_NS = 192;
    public static final long PROG_INFO_RUN_CNT = 200;
    public static final long PROG_INFO_RECURSION_MISSES = 208;

    /** BTF kinds used by the feature probes (linux/btf.h). */
    public static final int BTF_KIND_PTR = 2;
    public static final int BTF_KIND_ENUM = 6;
    public static final int BTF_KIND_TYPEDEF = 8;
    public static final int BTF_KIND_FUNC = 12;
    public static final int BTF_KIND_FUNC_PROTO = 13;
    public static final int BTF_KIND_ENUM64 = 19;

    /**
     * {@code sizeof(va_list)}, to copy one as {@code va_copy} would; -1 where the binding does not
     * know the ABI. On x86-64 a va_list is a one-element array of a 24-byte struct, so it arrives
     * in the print callback as a pointer.
     */
    public static final long VA_LIST_SIZE = switch (System.getProperty("os.arch")) {
        case "amd64", "x86_64" -> 24;
        default -> -1;
    };

    private Structs() {}

    public static long offset(StructLayout layout, String field) {
        return layout.byteOffset(groupElement(field));
    }

    static MemorySegment openOpts(Arena arena, MemorySegment objectName) {
        MemorySegment opts = arena.allocate(OPEN_OPTS);
        opts.set(JAVA_LONG, offset(OPEN_OPTS, "sz"), OPEN_OPTS.byteSize());
        opts.set(ADDRESS, offset(OPEN_OPTS, "object_name"), objectName);
        return opts;
    }

    static MemorySegment ringBufferOpts(Arena arena) {
        MemorySegment opts = arena.allocate(RING_BUFFER_OPTS);
        opts.set(JAVA_LONG, offset(RING_BUFFER_OPTS, "sz"), RING_BUFFER_OPTS.byteSize());
        return opts;
    }

    static MemorySegment mapBatchOpts(Arena arena) {
        MemorySegment opts = arena.allocate(MAP_BATCH_OPTS);
        opts.set(JAVA_LONG, offset(MAP_BATCH_OPTS, "sz"), MAP_BATCH_OPTS.byteSize());
        return opts;
    }
}
