package dev.ioguard.bpf;

import dev.ioguard.bpf.internal.LibbpfLog;
import dev.ioguard.bpf.internal.NativeHandle;
import dev.ioguard.bpf.internal.ObjectCalls;
import dev.ioguard.bpf.internal.PointerResult;
import dev.ioguard.bpf.internal.Structs;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Thread-safe: immutable, and {@link #attach()} may be called from any thread. A program loaded
 * into the kernel, owned by its {@link Collection}; valid until the collection is closed.
 */
public final class Program {
    private final Collection owner;
    /** Borrowed {@code struct bpf_program *}, alive as long as the owner's object. */
    private final MemorySegment pointer;
    private final String name;
    private final String sectionName;
    private final int fd;

    Program(Collection owner, MemorySegment pointer) {
        this.owner = owner;
        this.pointer = pointer;
        this.name = ObjectCalls.programName(pointer);
        this.sectionName = ObjectCalls.sectionName(pointer);
        this.fd = ObjectCalls.programFd(pointer);
    }

    public String name() {
        return name;
    }

    /** The SEC() name, which says how {@link #attach()} attaches: "tp_btf/sys_enter", ... */
    public String sectionName() {
        return sectionName;
    }

    /** The program fd, owned by the collection: do not close it. */
    public int fd() {
        return fd;
    }

    /**
     * Attaches as the section name says ({@code bpf_program__attach}). The link is also owned by
     * the collection until closed: closing the collection closes it.
     *
     * @throws BpfException with the errno and libbpf's messages from the attempt
     */
    public Link attach() {
        owner.acquire();
        try (LibbpfLog.Capture capture = LibbpfLog.capture()) {
            PointerResult attached = ObjectCalls.attach(pointer);
            if (attached.failed()) {
                throw Failures.attach(name, sectionName, attached.errno(), capture.messages());
            }
            NativeHandle handle = NativeHandle.ofPointer(NativeHandle.Kind.BPF_LINK, "link of " + name,
                    attached.pointer(), null);
            Link link = new Link(name, handle, owner);
            try {
                owner.adoptChild(link);
            } catch (IllegalStateException closed) {
                handle.close();
                throw closed;
            }
            return link;
        } finally {
            owner.release();
        }
    }

    /**
     * The kernel's run statistics of this program.
     *
     * @throws BpfException when the kernel refuses the query
     */
    public ProgramStats stats() {
        owner.acquire();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment info = arena.allocate(Structs.PROG_INFO_SIZE, 8);
            int rc = ObjectCalls.programInfo(fd, info, arena);
            if (rc < 0) {
                throw Failures.of("get_info", name, -rc);
            }
            return new ProgramStats(info.get(JAVA_LONG, Structs.PROG_INFO_RUN_TIME_NS),
                    info.get(JAVA_LONG, Structs.PROG_INFO_RUN_CNT),
                    info.get(JAVA_LONG, Structs.PROG_INFO_RECURSION_MISSES));
        } finally {
            owner.release();
        }
    }

    @Override
    public String toString() {
        return "Program " + name + " (" + sectionName + ")";
    }
}
