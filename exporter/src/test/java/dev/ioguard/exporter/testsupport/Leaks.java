package dev.ioguard.exporter.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ioguard.exporter.mounts.MountInfo;
import dev.ioguard.exporter.mounts.MountTable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds mounts and loop devices that a test left behind under its own directory, and only there.
 *
 * <p>Stateless; safe to call from any thread. Reads the live {@code /proc/self/mountinfo} and
 * {@code /sys/block/loop*}.
 */
public final class Leaks {

    private static final String DELETED = " (deleted)";

    private Leaks() {}

    /** The mounts whose mount point is the directory or lies under it, in mountinfo order. */
    public static List<MountInfo> mountsUnder(Path dir) {
        String root = dir.toAbsolutePath().normalize().toString();
        List<MountInfo> found = new ArrayList<>();
        for (MountInfo mount : MountTable.read().all()) {
            if (isUnder(mount.mountPoint(), root)) {
                found.add(mount);
            }
        }
        return found;
    }

    /** The loop devices (kernel names) whose backing file lies under the directory, deleted files included. */
    public static List<String> loopDevicesBackedUnder(Path dir) {
        String root = dir.toAbsolutePath().normalize().toString();
        List<String> found = new ArrayList<>();
        try (DirectoryStream<Path> devices = Files.newDirectoryStream(Path.of("/sys/block"), "loop*")) {
            for (Path device : devices) {
                String backing = backingFile(device.getFileName().toString());
                if (backing != null && isUnder(backing, root)) {
                    found.add(device.getFileName().toString());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list /sys/block", e);
        }
        return found;
    }

    /** Fails when any mount or loop device is left under the directory. */
    public static void assertNoneUnder(Path dir) {
        assertEquals(List.of(), mountsUnder(dir).stream().map(MountInfo::mountPoint).toList(),
                "mounts left behind under " + dir);
        assertEquals(List.of(), loopDevicesBackedUnder(dir), "loop devices left behind under " + dir);
    }

    /** The backing file of a bound loop device (without the " (deleted)" mark), or null when it is unbound. */
    static String backingFile(String loopName) {
        Path file = Path.of("/sys/block", loopName, "loop", "backing_file");
        try {
            String text = new String(Files.readAllBytes(file), StandardCharsets.UTF_8).strip();
            return text.endsWith(DELETED) ? text.substring(0, text.length() - DELETED.length()) : text;
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    private static boolean isUnder(String path, String root) {
        return path.equals(root) || path.startsWith(root.endsWith("/") ? root : root + "/");
    }
}
