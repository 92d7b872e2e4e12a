package dev.ioguard.bpf.internal;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Thread-safe. The one owner of a raw libbpf pointer or file descriptor: every native resource the
 * binding creates is held by exactly one handle, and is released by exactly one call to its
 * destructor.
 *
 * <p>Users bracket each native call with {@link #acquirePointer()} / {@link #acquireFd()} and
 * {@link #release()}. {@link #close()} may be called from any thread at any time: it refuses new
 * users at once, and the resource is destroyed when the last current user releases it. So a map
 * lookup racing with the close of its collection either completes on a live fd or fails with
 * {@link IllegalStateException}; it never reaches a closed (or reused) fd number.
 */
public final class NativeHandle {
    /** What the handle owns, and so which destructor frees it. */
    public enum Kind {
        /** {@code bpf_object__close}: unloads programs and closes all program and map fds. */
        BPF_OBJECT,
        /** {@code bpf_link__destroy}: detaches and closes the link fd. */
        BPF_LINK,
        /** {@code ring_buffer__free}: unmaps the ring and closes its epoll fd. */
        RING_BUFFER,
        /** {@code btf__free}: frees parsed BTF (no fd). */
        BTF,
        /** {@code close(2)}. */
        FILE_DESCRIPTOR
    }

    private static final long CLOSED = 1L << 62;
    private static final long USERS = CLOSED - 1;

    private final Kind kind;
    private final String name;
    private final long raw;
    private final Arena keepAlive;
    /** {@link #CLOSED} bit plus the number of current users. */
    private final AtomicLong state = new AtomicLong();

    private NativeHandle(Kind kind, String name, long raw, Arena keepAlive) {
        this.kind = kind;
        this.name = Objects.requireNonNull(name);
        this.raw = raw;
        this.keepAlive = keepAlive;
    }

    /**
     * Takes ownership of a non-NULL pointer. {@code keepAlive}, if not null, is closed after the
     * destructor ran: memory the native object refers to, such as an upcall stub.
     */
    public static NativeHandle ofPointer(Kind kind, String name, MemorySegment pointer, Arena keepAlive) {
        if (kind == Kind.FILE_DESCRIPTOR || pointer.address() == 0) {
            throw new IllegalArgumentException("not a pointer handle: " + kind + " " + pointer);
        }
        return new NativeHandle(kind, name, pointer.address(), keepAlive);
    }

    public static NativeHandle ofFd(String name, int fd) {
        if (fd < 0) {
            throw new IllegalArgumentException("negative fd " + fd + " for " + name);
        }
        return new NativeHandle(Kind.FILE_DESCRIPTOR, name, fd, null);
    }

    public String name() {
        return name;
    }

    public MemorySegment acquirePointer() {
        if (kind == Kind.FILE_DESCRIPTOR) {
            throw new IllegalStateException(name + " holds a file descriptor, not a pointer");
        }
        enter();
        return MemorySegment.ofAddress(raw);
    }

    public int acquireFd() {
        if (kind != Kind.FILE_DESCRIPTOR) {
            throw new IllegalStateException(name + " holds a pointer, not a file descriptor");
        }
        enter();
        return (int) raw;
    }

    private void enter() {
        while (true) {
            long s = state.get();
            if ((s & CLOSED) != 0) {
                throw new IllegalStateException(name + " is closed");
            }
            if (state.compareAndSet(s, s + 1)) {
                return;
            }
        }
    }

    public void release() {
        long s = state.decrementAndGet();
        if ((s & USERS) == USERS) {
            throw new IllegalStateException("release without acquire on " + name);
        }
        if (s == CLOSED) {
            destroy();
        }
    }

    /** Returns true for the call that closed the handle, false if it was closed already. */
    public boolean close() {
        while (true) {
            long s = state.get();
            if ((s & CLOSED) != 0) {
                return false;
            }
            if (state.compareAndSet(s, s | CLOSED)) {
                if (s == 0) {
                    destroy();
                }
                return true;
            }
        }
    }

    public boolean isClosed() {
        return (state.get() & CLOSED) != 0;
    }

    private void destroy() {
        MemorySegment pointer = MemorySegment.ofAddress(raw);
        try {
            switch (kind) {
                case BPF_OBJECT -> ObjectCalls.close(pointer);
                case BPF_LINK -> ObjectCalls.destroyLink(pointer);
                case RING_BUFFER -> RingBufferCalls.free(pointer);
                case BTF -> BtfCalls.free(pointer);
                case FILE_DESCRIPTOR -> Libc.close((int) raw);
            }
        } finally {
            if (keepAlive != null) {
                keepAlive.close();
            }
        }
    }

    @Override
    public String toString() {
        return kind + " " + name + (isClosed() ? " (closed)" : "");
    }
}
