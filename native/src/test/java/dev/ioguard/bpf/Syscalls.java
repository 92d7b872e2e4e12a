package dev.ioguard.bpf;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.invoke.MethodHandle;

/**
 * Thread-safe. The syscalls tests make to trigger the test program: getppid, which no JVM thread
 * makes on its own, so every sys_enter of it on the test thread is the test's.
 */
final class Syscalls {
    /** The syscall number the test program filters on. */
    static final long GETPPID = switch (System.getProperty("os.arch")) {
        case "amd64", "x86_64" -> 110;
        case "aarch64" -> 173;
        default -> -1;
    };

    private static final Linker LINKER = Linker.nativeLinker();
    private static final MethodHandle GETTID = libc("gettid");
    private static final MethodHandle GETPPID_CALL = libc("getppid");

    private Syscalls() {}

    static int gettid() {
        try {
            return (int) GETTID.invokeExact();
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    static void getppid(int times) {
        try {
            for (int i = 0; i < times; i++) {
                int ppid = (int) GETPPID_CALL.invokeExact();
                assert ppid >= 0;
            }
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    private static MethodHandle libc(String name) {
        return LINKER.downcallHandle(LINKER.defaultLookup().find(name).orElseThrow(),
                FunctionDescriptor.of(JAVA_INT));
    }
}
