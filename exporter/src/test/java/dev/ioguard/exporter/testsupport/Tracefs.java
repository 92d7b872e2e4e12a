package dev.ioguard.exporter.testsupport;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * tracefs at /sys/kernel/tracing for tests whose independent oracle (bpftrace, or the list of the
 * kernel's tracepoints) needs classic tracepoints; mounted by the test only when absent, and then unmounted on close.
 */
public final class Tracefs implements AutoCloseable {
    private static final Path MOUNT_POINT = Path.of("/sys/kernel/tracing");
    private final boolean mountedHere;

    private Tracefs(boolean mountedHere) {
        this.mountedHere = mountedHere;
    }

    public static Tracefs ensureMounted() {
        if (Files.isDirectory(MOUNT_POINT.resolve("events"))) {
            return new Tracefs(false);
        }
        Command.run("mount", "-t", "tracefs", "nodev", MOUNT_POINT.toString());
        return new Tracefs(true);
    }

    /** The classic tracepoints this kernel has: {@code events/<category>/<name>/}. */
    public Path events() {
        return MOUNT_POINT.resolve("events");
    }

    @Override
    public void close() {
        if (mountedHere) {
            Command.exec("umount", MOUNT_POINT.toString());
        }
    }
}
