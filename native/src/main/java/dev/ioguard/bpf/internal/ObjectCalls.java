package dev.ioguard.bpf.internal;

import static dev.ioguard.bpf.internal.NativeLibrary.CAPTURE_ERRNO;
import static dev.ioguard.bpf.internal.NativeLibrary.CAPTURE_STATE;
import static dev.ioguard.bpf.internal.NativeLibrary.libbpf;
import static dev.ioguard.bpf.internal.NativeLibrary.rethrow;
import static dev.ioguard.bpf.internal.NativeLibrary.string;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BOOLEAN;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * Thread-safe as far as libbpf is: stateless downcalls over {@code bpf_object}, {@code bpf_program},
 * {@code bpf_map} and {@code bpf_link}. Callers hold the owning {@link NativeHandle} for every
 * pointer they pass, and must not mutate one object from two threads at once.
 */
public final class ObjectCalls {
    private static final MethodHandle OPEN_MEM = libbpf("bpf_object__open_mem",
            FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG, ADDRESS), CAPTURE_ERRNO);
    private static final MethodHandle LOAD = libbpf("bpf_object__load", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    private static final MethodHandle CLOSE = libbpf("bpf_object__close", FunctionDescriptor.ofVoid(ADDRESS));
    private static final MethodHandle OBJECT_NAME = libbpf("bpf_object__name", FunctionDescriptor.of(ADDRESS, ADDRESS));
    private static final MethodHandle NEXT_PROGRAM = libbpf("bpf_object__next_program",
            FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS));
    private static final MethodHandle NEXT_MAP = libbpf("bpf_object__next_map",
            FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS));
    private static final MethodHandle FIND_PROGRAM = libbpf("bpf_object__find_program_by_name",
            FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS));
    private static final MethodHandle FIND_MAP = libbpf("bpf_object__find_map_by_name",
            FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS));

    private static final MethodHandle PROGRAM_NAME = libbpf("bpf_program__name", FunctionDescriptor.of(ADDRESS, ADDRESS));
    private static final MethodHandle PROGRAM_SECTION = libbpf("bpf_program__section_name",
            FunctionDescriptor.of(ADDRESS, ADDRESS));
    private static final MethodHandle AUTOLOAD = libbpf("bpf_program__autoload", FunctionDescriptor.of(JAVA_BOOLEAN, ADDRESS));
    private static final MethodHandle SET_AUTOLOAD = libbpf("bpf_program__set_autoload",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_BOOLEAN));
    private static final MethodHandle PROGRAM_FD = libbpf("bpf_program__fd", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    private static final MethodHandle ATTACH = libbpf("bpf_program__attach",
            FunctionDescriptor.of(ADDRESS, ADDRESS), CAPTURE_ERRNO);
    private static final MethodHandle OBJ_GET_INFO = libbpf("bpf_obj_get_info_by_fd",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle LINK_DESTROY = libbpf("bpf_link__destroy", FunctionDescriptor.of(JAVA_INT, ADDRESS));

    private static final MethodHandle MAP_NAME = libbpf("bpf_map__name", FunctionDescriptor.of(ADDRESS, ADDRESS));
    private static final MethodHandle MAP_TYPE = libbpf("bpf_map__type", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    private static final MethodHandle MAP_KEY_SIZE = libbpf("bpf_map__key_size", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    private static final MethodHandle MAP_VALUE_SIZE = libbpf("bpf_map__value_size", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    private static final MethodHandle MAP_MAX_ENTRIES = libbpf("bpf_map__max_entries", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    private static final MethodHandle MAP_FD = libbpf("bpf_map__fd", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    private static final MethodHandle INITIAL_VALUE = libbpf("bpf_map__initial_value",
            FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS));
    private static final MethodHandle SET_INITIAL_VALUE = libbpf("bpf_map__set_initial_value",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG));

    private ObjectCalls() {}

    /** Parses an ELF image; libbpf copies the name but reads {@code elf} until load. */
    public static PointerResult openMem(MemorySegment elf, String objectName, Arena arena) {
        MemorySegment opts = Structs.openOpts(arena, arena.allocateFrom(objectName));
        try (Arena call = Arena.ofConfined()) {
            MemorySegment state = call.allocate(CAPTURE_STATE);
            MemorySegment object = (MemorySegment) OPEN_MEM.invokeExact(state, elf, elf.byteSize(), opts);
            return PointerResult.of(object, state);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Returns 0 or -errno. */
    public static int load(MemorySegment object) {
        try {
            return (int) LOAD.invokeExact(object);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static void close(MemorySegment object) {
        try {
            CLOSE.invokeExact(object);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static String objectName(MemorySegment object) {
        return string(call(OBJECT_NAME, object));
    }

    /** The program after {@code previous} (NULL for the first); NULL at the end. */
    public static MemorySegment nextProgram(MemorySegment object, MemorySegment previous) {
        return call(NEXT_PROGRAM, object, previous);
    }

    public static MemorySegment nextMap(MemorySegment object, MemorySegment previous) {
        return call(NEXT_MAP, object, previous);
    }

    public static MemorySegment findProgram(MemorySegment object, String name) {
        try (Arena arena = Arena.ofConfined()) {
            return call(FIND_PROGRAM, object, arena.allocateFrom(name));
        }
    }

    /** Accepts a map's name, or for internal maps also its section name such as {@code .rodata}. */
    public static MemorySegment findMap(MemorySegment object, String name) {
        try (Arena arena = Arena.ofConfined()) {
            return call(FIND_MAP, object, arena.allocateFrom(name));
        }
    }

    public static String programName(MemorySegment program) {
        return string(call(PROGRAM_NAME, program));
    }

    public static String sectionName(MemorySegment program) {
        return string(call(PROGRAM_SECTION, program));
    }

    public static boolean autoload(MemorySegment program) {
        try {
            return (boolean) AUTOLOAD.invokeExact(program);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Returns 0 or -errno (-EBUSY once loaded). */
    public static int setAutoload(MemorySegment program, boolean autoload) {
        try {
            return (int) SET_AUTOLOAD.invokeExact(program, autoload);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** The program fd, or a negative error when it was not loaded. */
    public static int programFd(MemorySegment program) {
        return intCall(PROGRAM_FD, program);
    }

    /** Attaches by the program's SEC() name; NULL and errno on failure. */
    public static PointerResult attach(MemorySegment program) {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment state = call.allocate(CAPTURE_STATE);
            MemorySegment link = (MemorySegment) ATTACH.invokeExact(state, program);
            return PointerResult.of(link, state);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static void destroyLink(MemorySegment link) {
        intCall(LINK_DESTROY, link);
    }

    public static String mapName(MemorySegment map) {
        return string(call(MAP_NAME, map));
    }

    public static int mapType(MemorySegment map) {
        return intCall(MAP_TYPE, map);
    }

    public static int keySize(MemorySegment map) {
        return intCall(MAP_KEY_SIZE, map);
    }

    public static int valueSize(MemorySegment map) {
        return intCall(MAP_VALUE_SIZE, map);
    }

    public static int maxEntries(MemorySegment map) {
        return intCall(MAP_MAX_ENTRIES, map);
    }

    public static int mapFd(MemorySegment map) {
        return intCall(MAP_FD, map);
    }

    /** A copy of the map's initial data ({@code .data}, {@code .rodata}, ...), or null if it has none. */
    public static byte[] initialValue(MemorySegment map) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment size = arena.allocate(JAVA_LONG);
            MemorySegment data = (MemorySegment) INITIAL_VALUE.invokeExact(map, size);
            if (data.address() == 0) {
                return null;
            }
            return data.reinterpret(size.get(JAVA_LONG, 0)).toArray(JAVA_BYTE);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Returns 0 or -errno; libbpf copies the bytes. */
    public static int setInitialValue(MemorySegment map, byte[] value) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment data = arena.allocateFrom(JAVA_BYTE, value);
            return (int) SET_INITIAL_VALUE.invokeExact(map, data, (long) value.length);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    private static MemorySegment call(MethodHandle handle, MemorySegment argument) {
        try {
            return (MemorySegment) handle.invokeExact(argument);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    private static MemorySegment call(MethodHandle handle, MemorySegment first, MemorySegment second) {
        try {
            return (MemorySegment) handle.invokeExact(first, second);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    private static int intCall(MethodHandle handle, MemorySegment argument) {
        try {
            return (int) handle.invokeExact(argument);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * {@code bpf_obj_get_info_by_fd} for a program: fills {@code info} (at least
     * {@link Structs#PROG_INFO_SIZE} bytes); returns 0 or -errno.
     */
    public static int programInfo(int fd, MemorySegment info, Arena arena) {
        MemorySegment length = arena.allocate(JAVA_INT);
        length.set(JAVA_INT, 0, (int) info.byteSize());
        try {
            return (int) OBJ_GET_INFO.invokeExact(fd, info, length);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }
}
