package dev.ioguard.exporter.testsupport;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.io.IOException;
import java.io.UncheckedIOException;
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

/**
 * The mount syscalls a test makes itself, on its own thread, so that the thread's pid and comm can
 * be checked against what the kernel hooks report: mount(2) remounts, the new mount API's
 * fspick(2) + fsconfig(2) reconfiguration, and mount_setattr(2). Each returns 0 or the negative
 * errno, as the syscall exit tracepoint sees it.
 *
 * <p>Stateless; safe to call from any thread (each call acts on the calling thread).
 */
public final class MountSyscalls {
    public static final long MS_RDONLY = 0x1;
    public static final long MS_REMOUNT = 0x20;
    public static final long MS_BIND = 0x1000;
    private static final long SYS_FSCONFIG = 431;
    private static final long SYS_FSPICK = 433;
    private static final long SYS_MOUNT_SETATTR = 442;
    private static final long AT_FDCWD = -100;
    private static final long FSPICK_CLOEXEC = 0x1;
    private static final long FSCONFIG_SET_FLAG = 0;
    private static final long FSCONFIG_CMD_RECONFIGURE = 7;
    public static final long MOUNT_ATTR_RDONLY = 0x1;

    private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final Linker.Option ERRNO_STATE = Linker.Option.captureCallState("errno");
    private static final MethodHandle MOUNT = downcall("mount",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS), ERRNO_STATE);
    // long syscall(long number, ...): every argument passed as a long (variadic from the second).
    private static final MethodHandle SYSCALL5 = downcall("syscall",
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG),
            ERRNO_STATE, Linker.Option.firstVariadicArg(1));
    private static final MethodHandle CLOSE = downcall("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));

    private MountSyscalls() {}

    /** mount(NULL, target, NULL, flags, NULL): a remount when flags has {@link #MS_REMOUNT}. */
    public static int mount(Path target, long flags) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            int rc = (int) MOUNT.invokeExact(state, MemorySegment.NULL, arena.allocateFrom(target.toString()),
                    MemorySegment.NULL, flags, MemorySegment.NULL);
            return rc == 0 ? 0 : -(int) ERRNO.get(state, 0L);
        } catch (Throwable t) {
            throw new IllegalStateException("mount(2) downcall failed", t);
        }
    }

    /**
     * The new mount API's remount: fspick(2) the superblock under the path, fsconfig(2) the flag
     * {@code ro} or {@code rw}, then FSCONFIG_CMD_RECONFIGURE.
     *
     * @return the result of the reconfigure command (0 or -errno)
     */
    public static int reconfigure(Path path, boolean readOnly) {
        try (Arena arena = Arena.ofConfined()) {
            long fd = syscall(arena, SYS_FSPICK, AT_FDCWD, arena.allocateFrom(path.toString()).address(),
                    FSPICK_CLOEXEC, 0, 0);
            if (fd < 0) {
                throw new IllegalStateException("fspick(" + path + ") failed: errno " + -fd);
            }
            try {
                long set = syscall(arena, SYS_FSCONFIG, fd, FSCONFIG_SET_FLAG,
                        arena.allocateFrom(readOnly ? "ro" : "rw").address(), 0, 0);
                if (set < 0) {
                    throw new IllegalStateException("fsconfig(SET_FLAG) failed: errno " + -set);
                }
                return (int) syscall(arena, SYS_FSCONFIG, fd, FSCONFIG_CMD_RECONFIGURE, 0, 0, 0);
            } finally {
                int ignored = (int) CLOSE.invokeExact((int) fd);
            }
        } catch (RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("fsconfig downcalls failed", t);
        }
    }

    /** mount_setattr(AT_FDCWD, path, 0, {attr_set, attr_clr}, sizeof(struct mount_attr)). */
    public static int mountSetattr(Path path, long attrSet, long attrClr) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment attr = arena.allocate(32, 8); // struct mount_attr: set, clr, propagation, userns_fd
            attr.set(JAVA_LONG, 0, attrSet);
            attr.set(JAVA_LONG, 8, attrClr);
            return (int) syscall(arena, SYS_MOUNT_SETATTR, AT_FDCWD, arena.allocateFrom(path.toString()).address(),
                    0, attr.address(), 32);
        }
    }

    /** The calling thread's comm, as the kernel reports it in events. */
    public static String threadComm() {
        try {
            return Files.readString(Path.of("/proc/thread-self/comm")).strip();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** syscall(2) with five arguments: the result, or -errno. */
    private static long syscall(Arena arena, long number, long a, long b, long c, long d, long e) {
        MemorySegment state = arena.allocate(CALL_STATE);
        try {
            long rc = (long) SYSCALL5.invokeExact(state, number, a, b, c, d, e);
            return rc >= 0 ? rc : -(int) ERRNO.get(state, 0L);
        } catch (Throwable t) {
            throw new IllegalStateException("syscall(" + number + ") downcall failed", t);
        }
    }

    @SuppressWarnings("restricted")
    private static MethodHandle downcall(String name, FunctionDescriptor descriptor, Linker.Option... options) {
        Linker linker = Linker.nativeLinker();
        return linker.downcallHandle(linker.defaultLookup().find(name).orElseThrow(), descriptor, options);
    }
}
