package dev.ioguard.bpf.internal;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Ownership of a raw fd: closed exactly once, and never while a user holds it. */
class NativeHandleTest {
    @Test
    void closeWaitsForTheLastUserAndHappensOnce() throws IOException {
        assumeTrue(NativeLibrary.available(), "libbpf.so.1 is not loadable");
        int fd = openDevNull();
        Path link = Path.of("/proc/self/fd/" + fd);
        NativeHandle handle = NativeHandle.ofFd("test fd", fd);

        assertEquals(fd, handle.acquireFd());
        assertTrue(handle.close(), "the first close");
        assertFalse(handle.close(), "later closes do nothing");
        assertThrows(IllegalStateException.class, handle::acquireFd, "no new users once closed");
        assertEquals("/dev/null", Files.readSymbolicLink(link).toString(), "still open: a user holds it");

        handle.release();

        assertFalse(Files.exists(link, LinkOption.NOFOLLOW_LINKS), "closed by the last release");
    }

    @Test
    void handlesRefuseWhatTheyCannotOwn() {
        assertThrows(IllegalArgumentException.class, () -> NativeHandle.ofFd("negative", -1));
        assertThrows(IllegalArgumentException.class,
                () -> NativeHandle.ofPointer(NativeHandle.Kind.BTF, "null", MemorySegment.NULL, null));
    }

    /** open(2) through FFM, so that the test owns the fd outright (the JDK's own fds are not ours to close). */
    private static int openDevNull() {
        MethodHandle open = NativeLibrary.libc("open", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT),
                Linker.Option.firstVariadicArg(2));
        try (Arena arena = Arena.ofConfined()) {
            int fd = (int) open.invokeExact(arena.allocateFrom("/dev/null"), 0);
            assertTrue(fd >= 0, "open /dev/null");
            return fd;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }
}
