package dev.ioguard.bpf;

import dev.ioguard.bpf.internal.LibbpfLog;
import dev.ioguard.bpf.internal.NativeHandle;
import dev.ioguard.bpf.internal.NativeLibrary;
import dev.ioguard.bpf.internal.ObjectCalls;
import dev.ioguard.bpf.internal.PointerResult;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Not thread-safe: configure and load from one thread at a time (it may be handed between
 * threads). A parsed BPF ELF object ({@code bpf_object__open_mem}): nothing exists in the kernel
 * yet. Set autoload flags and initial values of global data, then {@link #load()}.
 *
 * <p>Naming follows libbpf 1.1: the object name is cut to 15 characters; internal maps are named
 * {@code <first 8 characters of the object name>.rodata} (and {@code .data}, {@code .bss}), and
 * every method taking a map name also accepts the section name ({@code ".rodata"}).
 */
public final class CollectionSpec implements AutoCloseable {
    private final String name;
    /** Holds the ELF image, which libbpf reads until load. */
    private final Arena elfArena;
    private final NativeHandle object;
    private boolean done;

    private CollectionSpec(String name, Arena elfArena, NativeHandle object) {
        this.name = name;
        this.elfArena = elfArena;
        this.object = object;
    }

    /**
     * Parses {@code elf}. Opening needs no privileges and touches no kernel state.
     *
     * @throws BpfException          when libbpf cannot parse the bytes (errno and libbpf's reason)
     * @throws IllegalStateException when libbpf is not available
     */
    public static CollectionSpec open(String objectName, byte[] elf) {
        Objects.requireNonNull(objectName, "objectName");
        Objects.requireNonNull(elf, "elf");
        if (objectName.isBlank()) {
            throw new IllegalArgumentException("blank BPF object name");
        }
        NativeLibrary.requireAvailable();
        Arena arena = Arena.ofShared();
        try (LibbpfLog.Capture capture = LibbpfLog.capture()) {
            MemorySegment image = arena.allocate(Math.max(1, elf.length), 8);
            MemorySegment.copy(elf, 0, image, ValueLayout.JAVA_BYTE, 0, elf.length);
            PointerResult opened = ObjectCalls.openMem(image.asSlice(0, elf.length), objectName, arena);
            if (opened.failed()) {
                throw Failures.of("open", objectName, opened.errno(), capture.messages());
            }
            String actualName = ObjectCalls.objectName(opened.pointer());
            NativeHandle object = NativeHandle.ofPointer(NativeHandle.Kind.BPF_OBJECT, "BPF object " + actualName,
                    opened.pointer(), null);
            return new CollectionSpec(actualName, arena, object);
        } catch (RuntimeException | Error e) {
            arena.close();
            throw e;
        }
    }

    /** The object name as libbpf keeps it. */
    public String name() {
        return name;
    }

    public List<String> programNames() {
        MemorySegment obj = open();
        List<String> names = new ArrayList<>();
        for (MemorySegment p = ObjectCalls.nextProgram(obj, MemorySegment.NULL); p.address() != 0;
             p = ObjectCalls.nextProgram(obj, p)) {
            names.add(ObjectCalls.programName(p));
        }
        return List.copyOf(names);
    }

    public List<String> mapNames() {
        MemorySegment obj = open();
        List<String> names = new ArrayList<>();
        for (MemorySegment m = ObjectCalls.nextMap(obj, MemorySegment.NULL); m.address() != 0;
             m = ObjectCalls.nextMap(obj, m)) {
            names.add(ObjectCalls.mapName(m));
        }
        return List.copyOf(names);
    }

    /** The program's SEC() name, e.g. "tp_btf/block_rq_issue". */
    public String sectionName(String program) {
        return ObjectCalls.sectionName(program(program));
    }

    public boolean autoload(String program) {
        return ObjectCalls.autoload(program(program));
    }

    /** Whether {@link #load()} loads this program (all do by default). */
    public void setAutoload(String program, boolean autoload) {
        int rc = ObjectCalls.setAutoload(program(program), autoload);
        if (rc < 0) {
            throw Failures.of("set_autoload", program, -rc);
        }
    }

    /** A copy of a global data map's initial bytes, e.g. {@code const volatile} globals in ".rodata". */
    public byte[] initialValue(String mapName) {
        byte[] value = ObjectCalls.initialValue(map(mapName));
        if (value == null) {
            throw new IllegalArgumentException("map '" + mapName + "' of " + name
                    + " has no initial value: only global data maps (.data, .rodata, .bss) have one");
        }
        return value;
    }

    /** Replaces a global data map's initial bytes; {@code value} must have the current size. */
    public void setInitialValue(String mapName, byte[] value) {
        Objects.requireNonNull(value, "value");
        int size = initialValue(mapName).length;
        if (value.length != size) {
            throw new IllegalArgumentException("initial value of map '" + mapName + "' of " + name + " is "
                    + size + " bytes, not " + value.length);
        }
        int rc = ObjectCalls.setInitialValue(map(mapName), value);
        if (rc < 0) {
            throw Failures.of("set_initial_value", mapName, -rc);
        }
    }

    /**
     * Creates the maps, then loads the programs whose autoload is on ({@code bpf_object__load}).
     * Afterwards this spec is used up: the returned collection owns everything, and close() here
     * does nothing.
     *
     * @throws VerifierException when the kernel refused a program: its name and verifier log
     * @throws BpfException      on any other failure (map creation, BTF, relocation, privileges);
     *                           whatever load had created is destroyed, and this spec is closed
     */
    public Collection load() {
        MemorySegment obj = open();
        done = true;
        try (LibbpfLog.Capture capture = LibbpfLog.capture()) {
            int rc = ObjectCalls.load(obj);
            if (rc < 0) {
                object.close();
                throw Failures.load(name, -rc, capture.messages());
            }
            return Collection.adopt(name, object);
        } catch (RuntimeException | Error e) {
            object.close();
            throw e;
        } finally {
            elfArena.close();
        }
    }

    /** Frees the parsed object; idempotent, and a no-op after {@link #load()}. */
    @Override
    public void close() {
        if (!done) {
            done = true;
            object.close();
            elfArena.close();
        }
    }

    private MemorySegment open() {
        if (done) {
            throw new IllegalStateException("collection spec " + name + " was already loaded or closed");
        }
        // Not thread-safe, so no concurrent close to guard against: the pointer itself suffices.
        MemorySegment obj = object.acquirePointer();
        object.release();
        return obj;
    }

    private MemorySegment program(String program) {
        Objects.requireNonNull(program, "program");
        MemorySegment p = ObjectCalls.findProgram(open(), program);
        if (p.address() == 0) {
            throw new IllegalArgumentException("no program '" + program + "' in " + name + "; programs: "
                    + programNames());
        }
        return p;
    }

    private MemorySegment map(String mapName) {
        Objects.requireNonNull(mapName, "mapName");
        MemorySegment m = ObjectCalls.findMap(open(), mapName);
        if (m.address() == 0) {
            throw new IllegalArgumentException("no map '" + mapName + "' in " + name + "; maps: " + mapNames());
        }
        return m;
    }
}
