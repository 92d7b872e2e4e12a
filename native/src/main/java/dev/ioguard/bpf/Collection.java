package dev.ioguard.bpf;

import dev.ioguard.bpf.internal.NativeHandle;
import dev.ioguard.bpf.internal.ObjectCalls;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Thread-safe: lookups, the programs' and maps' operations, and {@link #close()} may be called from
 * any thread. The live programs and maps of a loaded object; it owns the {@code bpf_object} and
 * everything created from it.
 *
 * <p>Closing the collection closes, in this order, the {@link RingBufferReader}s started on its
 * maps and the {@link Link}s attached from its programs that are still open (so nothing stays
 * attached to a dead collection), then frees the object: programs are unloaded and map fds
 * closed; the kernel frees each when no link or pin refers to it any more. Map and program
 * operations racing with close either complete first or fail with IllegalStateException.
 */
public final class Collection implements AutoCloseable {
    private final String name;
    private final NativeHandle object;
    private final Map<String, Program> programs;
    private final Set<String> notLoaded;
    private final Map<String, BpfMap> maps;
    private final Object childrenLock = new Object();
    /** Open links and readers, in creation order; guarded by childrenLock. */
    private final Set<AutoCloseable> children = new LinkedHashSet<>();
    /** Guarded by childrenLock. */
    private boolean closed;

    private Collection(String name, NativeHandle object, Map<String, Program> programs, Set<String> notLoaded,
                       Map<String, BpfMap> maps) {
        this.name = name;
        this.object = object;
        this.programs = programs;
        this.notLoaded = notLoaded;
        this.maps = maps;
    }

    /** Takes over a loaded object. */
    static Collection adopt(String name, NativeHandle object) {
        MemorySegment obj = object.acquirePointer();
        try {
            Map<String, MemorySegment> programPointers = new LinkedHashMap<>();
            Set<String> notLoaded = new LinkedHashSet<>();
            for (MemorySegment p = ObjectCalls.nextProgram(obj, MemorySegment.NULL); p.address() != 0;
                 p = ObjectCalls.nextProgram(obj, p)) {
                String programName = ObjectCalls.programName(p);
                if (ObjectCalls.programFd(p) >= 0) {
                    programPointers.put(programName, p);
                } else {
                    notLoaded.add(programName);
                }
            }
            List<MemorySegment> mapPointers = new ArrayList<>();
            for (MemorySegment m = ObjectCalls.nextMap(obj, MemorySegment.NULL); m.address() != 0;
                 m = ObjectCalls.nextMap(obj, m)) {
                mapPointers.add(m);
            }
            Map<String, Program> programs = new LinkedHashMap<>();
            Map<String, BpfMap> maps = new LinkedHashMap<>();
            Collection collection = new Collection(name, object, programs, Set.copyOf(notLoaded), maps);
            programPointers.forEach((programName, p) -> programs.put(programName, new Program(collection, p)));
            for (MemorySegment m : mapPointers) {
                BpfMap map = new BpfMap(collection, m);
                maps.put(map.name(), map);
            }
            return collection;
        } finally {
            object.release();
        }
    }

    /** The object name. */
    public String name() {
        return name;
    }

    /**
     * A loaded program by name.
     *
     * @throws IllegalArgumentException if there is none, or it was not loaded (autoload off)
     */
    public Program program(String name) {
        Program program = programs.get(Objects.requireNonNull(name, "name"));
        if (program == null) {
            throw new IllegalArgumentException(notLoaded.contains(name)
                    ? "program '" + name + "' of " + this.name + " was not loaded (autoload off)"
                    : "no program '" + name + "' in " + this.name + "; loaded programs: " + programs.keySet());
        }
        return program;
    }

    /** The loaded programs, in object order. */
    public List<Program> programs() {
        return List.copyOf(programs.values());
    }

    /**
     * A map by name; internal maps also by section name (".rodata").
     *
     * @throws IllegalArgumentException if there is none
     */
    public BpfMap map(String name) {
        BpfMap map = maps.get(Objects.requireNonNull(name, "name"));
        if (map == null && name.startsWith(".")) {
            map = bySectionName(name);
        }
        if (map == null) {
            throw new IllegalArgumentException("no map '" + name + "' in " + this.name + "; maps: " + maps.keySet());
        }
        return map;
    }

    public List<BpfMap> maps() {
        return List.copyOf(maps.values());
    }

    /** Closes open readers and links, then frees the object; idempotent. */
    @Override
    public void close() {
        List<AutoCloseable> open;
        synchronized (childrenLock) {
            if (closed) {
                return;
            }
            closed = true;
            open = new ArrayList<>(children);
            children.clear();
        }
        // Readers first: stop consuming before detaching the programs that produce.
        open.sort((a, b) -> Boolean.compare(b instanceof RingBufferReader, a instanceof RingBufferReader));
        RuntimeException failure = null;
        for (AutoCloseable child : open) {
            try {
                child.close();
            } catch (Exception e) {
                if (failure == null) {
                    failure = new IllegalStateException("closing " + child + " of collection " + name, e);
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        object.close();
        if (failure != null) {
            throw failure;
        }
    }

    @Override
    public String toString() {
        return "Collection " + name + (object.isClosed() ? " (closed)" : "");
    }

    /** Brackets a native call on this object's programs or maps; pair with {@link #release()}. */
    MemorySegment acquire() {
        return object.acquirePointer();
    }

    void release() {
        object.release();
    }

    /** Registers a link or reader for {@link #close()}; refuses if the collection is closed. */
    void adoptChild(AutoCloseable child) {
        synchronized (childrenLock) {
            if (closed) {
                throw new IllegalStateException("collection " + name + " is closed");
            }
            children.add(child);
        }
    }

    void forgetChild(AutoCloseable child) {
        synchronized (childrenLock) {
            children.remove(child);
        }
    }

    private BpfMap bySectionName(String sectionName) {
        MemorySegment obj = acquire();
        try {
            MemorySegment m = ObjectCalls.findMap(obj, sectionName);
            return m.address() == 0 ? null : maps.get(ObjectCalls.mapName(m));
        } finally {
            release();
        }
    }
}
