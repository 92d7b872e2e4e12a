package dev.ioguard.exporter.mounts;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.file.Path;

/**
 * A file descriptor opened with libc {@code open(2)} and waited on with {@code poll(2)} for
 * {@code POLLPRI}/{@code POLLERR}, the way the kernel reports a changed mount table on
 * {@code /proc/<pid>/mountinfo}: every open descriptor remembers the namespace's event counter, and the
 * first poll after a change returns those bits and catches up. Reading the descriptor is not needed.
 *
 * <p>Not thread-safe: one thread owns the instance, polls it and closes it. Closing releases the
 * descriptor. All FFM code of this package lives here.
 */
final class PriorityPoll implements AutoCloseable {

    private static final int O_RDONLY = 0;
    private static final int O_CLOEXEC = 0x80000;
    private static final short POLLPRI = 0x2;
    private static final short POLLERR = 0x8;
    private static final short POLLNVAL = 0x20;
    private static final int EINTR = 4;

    private static final StructLayout POLLFD = MemoryLayout.structLayout(
            JAVA_INT.withName("fd"), JAVA_SHORT.withName("events"), JAVA_SHORT.withName("revents"));
    private static final VarHandle POLLFD_FD = POLLFD.varHandle(MemoryLayout.PathElement.groupElement("fd"));
    private static final VarHandle POLLFD_EVENTS = POLLFD.varHandle(MemoryLayout.PathElement.groupElement("events"));
    private static final VarHandle POLLFD_REVENTS = POLLFD.varHandle(MemoryLayout.PathElement.groupElement("revents"));

    private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));

    private static final Linker.Option ERRNO_STATE = Linker.Option.captureCallState("errno");
    // open(2) is variadic (the mode follows the flags): declared so, since the ABI of a variadic call differs.
    private static final MethodHandle OPEN = downcall("open",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT), ERRNO_STATE, Linker.Option.firstVariadicArg(2));
    private static final MethodHandle POLL = downcall("poll",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT), ERRNO_STATE);
    private static final MethodHandle CLOSE = downcall("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));

    private final Path path;
    private int fd;

    private PriorityPoll(Path path, int fd) {
        this.path = path;
        this.fd = fd;
    }

    /**
     * Opens a file read-only for polling.
     *
     * @throws IOException with the errno when open(2) fails
     */
    static PriorityPoll open(Path path) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment callState = arena.allocate(CALL_STATE);
            int fd = (int) OPEN.invokeExact(callState, arena.allocateFrom(path.toString()), O_RDONLY | O_CLOEXEC, 0);
            if (fd < 0) {
                throw new IOException("open(" + path + ") failed: errno " + errno(callState));
            }
            return new PriorityPoll(path, fd);
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("open(2) downcall failed", t);
        }
    }

    /**
     * Waits up to the timeout for {@code POLLPRI} or {@code POLLERR}.
     *
     * @return true when the file reported a change, false on timeout or when a signal interrupted the wait
     * @throws IOException with the errno when poll(2) fails, or when the descriptor is not valid
     */
    boolean awaitPriority(int timeoutMillis) throws IOException {
        if (fd < 0) {
            throw new IOException("poll on closed descriptor for " + path);
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment pollfd = arena.allocate(POLLFD);
            POLLFD_FD.set(pollfd, 0L, fd);
            POLLFD_EVENTS.set(pollfd, 0L, (short) (POLLPRI | POLLERR));
            MemorySegment callState = arena.allocate(CALL_STATE);
            int ready = (int) POLL.invokeExact(callState, pollfd, 1L, timeoutMillis);
            if (ready < 0) {
                int errno = errno(callState);
                if (errno == EINTR) {
                    return false;
                }
                throw new IOException("poll(" + path + ") failed: errno " + errno);
            }
            short revents = (short) POLLFD_REVENTS.get(pollfd, 0L);
            if ((revents & POLLNVAL) != 0) {
                throw new IOException("poll(" + path + ") reports an invalid descriptor");
            }
            return ready > 0 && (revents & (POLLPRI | POLLERR)) != 0;
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("poll(2) downcall failed", t);
        }
    }

    /** Closes the descriptor; idempotent. */
    @Override
    public void close() {
        if (fd < 0) {
            return;
        }
        int closing = fd;
        fd = -1;
        try {
            // Linux releases the descriptor even when close(2) reports an error, so there is nothing to retry.
            int ignored = (int) CLOSE.invokeExact(closing);
        } catch (Throwable t) {
            throw new IllegalStateException("close(2) downcall failed", t);
        }
    }

    /** A libc downcall; restricted, hence the JVM's --enable-native-access flag. */
    @SuppressWarnings("restricted")
    private static MethodHandle downcall(String name, FunctionDescriptor descriptor, Linker.Option... options) {
        Linker linker = Linker.nativeLinker();
        return linker.downcallHandle(linker.defaultLookup().find(name).orElseThrow(), descriptor, options);
    }

    private static int errno(MemorySegment callState) {
        return (int) ERRNO.get(callState, 0L);
    }
}
