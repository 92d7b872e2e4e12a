package dev.ioguard.exporter.bpf;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.ioguard.bpf.Features;
import java.lang.System.Logger.Level;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.BooleanSupplier;

/**
 * tracefs, which classic tracepoint programs need (libbpf reads a tracepoint's id from
 * {@code /sys/kernel/tracing/events/<category>/<name>/id}; tp_btf programs do not). When it is not
 * mounted, {@link #ensure()} mounts it at {@code /sys/kernel/tracing} if this process may
 * (CAP_SYS_ADMIN), says so in one log line, and {@link #close()} unmounts it again; otherwise
 * {@link #reason()} says why classic tracepoints cannot be used.
 *
 * <p>Not thread-safe: made and closed by the exporter's start-up and shutdown; the getters are
 * immutable facts and may be read from any thread.
 */
public final class Tracefs implements AutoCloseable {
    /** Where libbpf looks first, and where {@link #ensure()} mounts. */
    public static final Path MOUNT_POINT = Path.of("/sys/kernel/tracing");
    private static final Path DEBUGFS_TRACING = Path.of("/sys/kernel/debug/tracing");
    private static final System.Logger LOG = System.getLogger(Tracefs.class.getName());
    private static final int EPERM = 1;
    private static final int ENOENT = 2;
    private static final int EBUSY = 16;
    private static final int MNT_DETACH = 2;

    private final boolean available;
    private final boolean mountedHere;
    private final String reason;
    private boolean closed;

    private Tracefs(boolean available, boolean mountedHere, String reason) {
        this.available = available;
        this.mountedHere = mountedHere;
        this.reason = reason;
    }

    /** Uses tracefs where mounted, else mounts it at {@link #MOUNT_POINT} when permitted. */
    public static Tracefs ensure() {
        return ensure(() -> Features.tracefs().supported(), MOUNT_POINT);
    }

    static Tracefs ensure(BooleanSupplier mounted, Path mountPoint) {
        if (mounted.getAsBoolean()) {
            return new Tracefs(true, false, "tracefs is mounted");
        }
        if (!Files.isDirectory(mountPoint)) {
            return unavailable("tracefs is not mounted and " + mountPoint
                    + " does not exist (kernel without CONFIG_TRACING?)");
        }
        int errno = Libc.mount("tracefs", mountPoint.toString(), "tracefs");
        if (errno != 0) {
            String why = switch (errno) {
                case EPERM -> "EPERM: needs CAP_SYS_ADMIN; or mount tracefs (or bind-mount the host's "
                        + "/sys/kernel/tracing) into the container";
                case ENOENT -> "ENOENT: kernel without tracefs";
                default -> "errno " + errno;
            };
            return unavailable("tracefs is not mounted and mounting it at " + mountPoint
                    + " failed: " + why);
        }
        LOG.log(Level.INFO, "mounted tracefs at {0}: classic tracepoints (syscalls:sys_enter_mount "
                + "and friends) need it; it is unmounted again when ioguard stops", mountPoint);
        return new Tracefs(true, true, "tracefs mounted by ioguard at " + mountPoint);
    }

    private static Tracefs unavailable(String reason) {
        LOG.log(Level.WARNING, "{0}; hooks on classic tracepoints are reported failed", reason);
        return new Tracefs(false, false, reason);
    }

    /** Whether classic tracepoints can be resolved. */
    public boolean available() {
        return available;
    }

    /** Whether this process mounted it (and so unmounts it on close). */
    public boolean mountedHere() {
        return mountedHere;
    }

    /** One line: why tracefs is or is not usable. */
    public String reason() {
        return reason;
    }

    /** Whether tracefs knows the tracepoint {@code category:name}; false when tracefs is unavailable. */
    public boolean hasTracepoint(String category, String name) {
        return available && Files.isDirectory(root().resolve("events").resolve(category).resolve(name));
    }

    /**
     * The tracing directory whose {@code events/} describe the tracepoints: tracefs at its own
     * mount point, else the copy under debugfs that older setups mount instead.
     */
    public Path root() {
        return Files.isDirectory(MOUNT_POINT.resolve("events")) ? MOUNT_POINT : DEBUGFS_TRACING;
    }

    /**
     * Unmounts tracefs if this process mounted it (lazily when busy). Links already attached
     * through it stay attached: they hold perf events, not the mount. Idempotent.
     */
    @Override
    public void close() {
        if (closed || !mountedHere) {
            closed = true;
            return;
        }
        closed = true;
        int errno = Libc.umount2(MOUNT_POINT.toString(), 0);
        if (errno == EBUSY) {
            errno = Libc.umount2(MOUNT_POINT.toString(), MNT_DETACH);
        }
        if (errno != 0) {
            LOG.log(Level.WARNING, "could not unmount the tracefs ioguard mounted at {0}: errno {1}",
                    MOUNT_POINT, errno);
        }
    }

    /** mount(2) and umount2(2) through FFM. */
    private static final class Libc {
        private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
        private static final VarHandle ERRNO =
                CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
        private static final Linker.Option ERRNO_STATE = Linker.Option.captureCallState("errno");
        private static final MethodHandle MOUNT = downcall("mount",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS));
        private static final MethodHandle UMOUNT2 = downcall("umount2",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));

        /** 0, or the errno. */
        static int mount(String source, String target, String type) {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment state = arena.allocate(CALL_STATE);
                int rc = (int) MOUNT.invokeExact(state, arena.allocateFrom(source),
                        arena.allocateFrom(target), arena.allocateFrom(type), 0L, MemorySegment.NULL);
                return rc == 0 ? 0 : (int) ERRNO.get(state, 0L);
            } catch (Throwable t) {
                throw new IllegalStateException("mount(2) downcall failed", t);
            }
        }

        /** 0, or the errno. */
        static int umount2(String target, int flags) {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment state = arena.allocate(CALL_STATE);
                int rc = (int) UMOUNT2.invokeExact(state, arena.allocateFrom(target), flags);
                return rc == 0 ? 0 : (int) ERRNO.get(state, 0L);
            } catch (Throwable t) {
                throw new IllegalStateException("umount2(2) downcall failed", t);
            }
        }

        @SuppressWarnings("restricted")
        private static MethodHandle downcall(String name, FunctionDescriptor descriptor) {
            Linker linker = Linker.nativeLinker();
            return linker.downcallHandle(linker.defaultLookup().find(name).orElseThrow(), descriptor,
                    ERRNO_STATE);
        }
    }
}
