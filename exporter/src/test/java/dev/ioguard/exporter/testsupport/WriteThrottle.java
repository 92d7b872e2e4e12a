package dev.ioguard.exporter.testsupport;

import java.util.List;

/**
 * A cgroup of the test's own that caps writes to one device; commands started through
 * {@link #command} run inside it. Closing removes the group.
 */
public interface WriteThrottle extends AutoCloseable {
    /** {@code argv} wrapped so that it runs inside the group. */
    List<String> command(List<String> argv);

    @Override
    void close();

    /** cgroup v1 blkio where mounted (this machine), else cgroup v2 io.max (the kernel-matrix guests). */
    static WriteThrottle writeBps(String majorMinor, long bytesPerSecond) {
        return BlkioThrottle.available() ? BlkioThrottle.writeBps(majorMinor, bytesPerSecond)
                : IoMaxThrottle.writeBps(majorMinor, bytesPerSecond);
    }

    static boolean available() {
        return BlkioThrottle.available() || IoMaxThrottle.available();
    }
}
