package dev.ioguard.exporter.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * A cgroup v2 group of the test's own (unique name) with a write throughput cap on one device
 * ({@code io.max wbps}), where cgroup v2 is mounted at /sys/fs/cgroup with the io controller (the
 * kernel-matrix guests). Closing removes the group (after its processes exited). Not thread-safe.
 */
public final class IoMaxThrottle implements WriteThrottle {
    private static final Path ROOT = Path.of("/sys/fs/cgroup");

    private final Path group;

    private IoMaxThrottle(Path group) {
        this.group = group;
    }

    public static boolean available() {
        try {
            return Files.readString(ROOT.resolve("cgroup.controllers")).contains("io");
        } catch (IOException e) {
            return false;
        }
    }

    /** A new group capping writes to {@code major:minor} at {@code bytesPerSecond}. */
    public static IoMaxThrottle writeBps(String majorMinor, long bytesPerSecond) {
        Path group = ROOT.resolve("ioguard-test-" + UUID.randomUUID());
        try {
            // Children get the io controller only once the parent hands it down.
            Files.writeString(ROOT.resolve("cgroup.subtree_control"), "+io");
            Files.createDirectory(group);
            IoMaxThrottle throttle = new IoMaxThrottle(group);
            try {
                Files.writeString(group.resolve("io.max"), majorMinor + " wbps=" + bytesPerSecond);
            } catch (IOException | RuntimeException e) {
                throttle.close();
                throw e;
            }
            return throttle;
        } catch (IOException e) {
            throw new UncheckedIOException("creating cgroup " + group, e);
        }
    }

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
        throw new IllegalStateException("could not remove cgroup " + group);
    }
}
