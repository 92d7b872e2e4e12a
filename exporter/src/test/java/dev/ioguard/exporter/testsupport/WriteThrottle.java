package dev.ioguard.exporter.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * A cgroup of the test's own (unique name) that caps writes to one device, for replaying a cloud
 * volume at its throughput limit: cgroup v1 {@code blkio.throttle.write_bps_device} where blkio is
 * mounted (this machine), else cgroup v2 {@code io.max wbps} (the kernel-matrix guests). Commands
 * started through {@link #command} run inside it. Closing removes the group (after its processes
 * exited). Not thread-safe.
 */
public final class WriteThrottle implements AutoCloseable {
    private static final Path BLKIO = Path.of("/sys/fs/cgroup/blkio");
    private static final Path UNIFIED = Path.of("/sys/fs/cgroup");

    private final Path group;

    private WriteThrottle(Path group) {
        this.group = group;
    }

    /** Whether cgroup v1 blkio is mounted and writable. */
    public static boolean blkioAvailable() {
        return Files.isWritable(BLKIO.resolve("cgroup.procs"));
    }

    private static boolean ioMaxAvailable() {
        try {
            return Files.readString(UNIFIED.resolve("cgroup.controllers")).contains("io");
        } catch (IOException e) {
            return false;
        }
    }

    public static boolean available() {
        return blkioAvailable() || ioMaxAvailable();
    }

    /** A new group capping writes to {@code major:minor} at {@code bytesPerSecond}. */
    public static WriteThrottle writeBps(String majorMinor, long bytesPerSecond) {
        try {
            if (blkioAvailable()) {
                return create(BLKIO, "blkio.throttle.write_bps_device", majorMinor + " " + bytesPerSecond);
            }
            // Children get the io controller only once the parent hands it down.
            Files.writeString(UNIFIED.resolve("cgroup.subtree_control"), "+io");
            return create(UNIFIED, "io.max", majorMinor + " wbps=" + bytesPerSecond);
        } catch (IOException e) {
            throw new UncheckedIOException("creating a write-throttled cgroup", e);
        }
    }

    private static WriteThrottle create(Path hierarchy, String file, String limit) throws IOException {
        Path group = hierarchy.resolve("ioguard-test-" + UUID.randomUUID());
        Files.createDirectory(group);
        WriteThrottle throttle = new WriteThrottle(group);
        try {
            Files.writeString(group.resolve(file), limit);
        } catch (IOException | RuntimeException e) {
            throttle.close();
            throw e;
        }
        return throttle;
    }

    /** {@code argv} wrapped so that it runs inside this group. */
    public List<String> command(List<String> argv) {
        List<String> cmd = new ArrayList<>(List.of("sh", "-c",
                "echo $$ > " + group.resolve("cgroup.procs") + " && exec \"$@\"", "sh"));
        cmd.addAll(argv);
        return cmd;
    }

    @Override
    public void close() {
        // rmdir fails with EBUSY while a process is still in the group: wait for them briefly.
        for (int attempt = 0; attempt < 100; attempt++) {
            try {
                Files.deleteIfExists(group);
                return;
            } catch (IOException e) {
                try {
                    Thread.sleep(100);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        throw new IllegalStateException("could not remove cgroup " + group);
    }
}
