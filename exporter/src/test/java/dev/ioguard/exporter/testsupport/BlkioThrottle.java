package dev.ioguard.exporter.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * A cgroup v1 blkio group of the test's own (unique name) with a write throughput cap on one
 * device, for replaying a cloud volume at its throughput limit. Commands started through
 * {@link #command} run inside it. Closing removes the group (after its processes exited).
 */
public final class BlkioThrottle implements WriteThrottle {
    private static final Path BLKIO = Path.of("/sys/fs/cgroup/blkio");

    private final Path group;

    private BlkioThrottle(Path group) {
        this.group = group;
    }

    public static boolean available() {
        return Files.isWritable(BLKIO.resolve("cgroup.procs"));
    }

    /** A new group capping writes to {@code major:minor} at {@code bytesPerSecond}. */
    public static BlkioThrottle writeBps(String majorMinor, long bytesPerSecond) {
        Path group = BLKIO.resolve("ioguard-test-" + UUID.randomUUID());
        try {
            Files.createDirectory(group);
            BlkioThrottle throttle = new BlkioThrottle(group);
            try {
                Files.writeString(group.resolve("blkio.throttle.write_bps_device"),
                        majorMinor + " " + bytesPerSecond);
            } catch (IOException | RuntimeException e) {
                throttle.close();
                throw e;
            }
            return throttle;
        } catch (IOException e) {
            throw new UncheckedIOException("creating blkio group " + group, e);
        }
    }

    /** {@code argv} wrapped so that it runs inside this group. */
    @Override
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
        throw new IllegalStateException("could not remove blkio group " + group);
    }
}
