package dev.ioguard.exporter.devices;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Answers questions about block devices from sysfs ({@code <root>/dev/block/M:m}), under a root that is
 * {@code /sys} in production and a temporary directory in tests.
 *
 * <p>Immutable; safe to use from any thread. Each call reads sysfs afresh.
 */
final class SysfsBlock {

    private final Path sysfsRoot;

    SysfsBlock(Path sysfsRoot) {
        this.sysfsRoot = sysfsRoot;
    }

    /**
     * The whole disk that holds a device: the parent directory when the device's sysfs directory has a
     * {@code partition} file, the device itself otherwise. Empty when sysfs does not know the number
     * (the device went away, or it never existed).
     */
    Optional<BlockDevice> wholeDisk(int major, int minor) {
        Path link = sysfsRoot.resolve("dev").resolve("block").resolve(major + ":" + minor);
        Path dir;
        try {
            dir = link.toRealPath();
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot resolve " + link, e);
        }
        if (!Files.exists(dir.resolve("partition"))) {
            return Optional.of(new BlockDevice(major, minor, kernelName(dir)));
        }
        Path disk = dir.getParent();
        return readDevNumber(disk.resolve("dev"))
                .map(number -> new BlockDevice(number[0], number[1], kernelName(disk)));
    }

    /** sysfs writes a '/' in a kernel name as '!' (cciss!c0d0 is cciss/c0d0 in /proc/partitions). */
    private static String kernelName(Path dir) {
        return dir.getFileName().toString().replace('!', '/');
    }

    private static Optional<int[]> readDevNumber(Path devFile) {
        String text;
        try {
            text = Files.readString(devFile).strip();
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + devFile, e);
        }
        int colon = text.indexOf(':');
        if (colon < 0) {
            return Optional.empty();
        }
        try {
            return Optional.of(new int[] {
                Integer.parseInt(text.substring(0, colon)), Integer.parseInt(text.substring(colon + 1))
            });
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
