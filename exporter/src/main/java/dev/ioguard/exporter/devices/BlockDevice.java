package dev.ioguard.exporter.devices;

import java.util.Objects;

/**
 * A block device as the kernel names and numbers it: {@code vda}, {@code nvme0n1p2}, {@code loop3}.
 *
 * <p>Immutable and safe to share between threads.
 *
 * @param major the device's major number
 * @param minor the device's minor number
 * @param name the kernel name, as in {@code /proc/partitions} and the {@code system.device} attribute
 */
public record BlockDevice(int major, int minor, String name) {

    public BlockDevice {
        Objects.requireNonNull(name, "name");
        if (name.isBlank()) {
            throw new IllegalArgumentException("block device name is blank (" + major + ":" + minor + ")");
        }
        if (major < 0 || minor < 0) {
            throw new IllegalArgumentException(
                    "block device " + name + " has a negative device number " + major + ":" + minor);
        }
    }

    /** The device number as the kernel prints it and as the {@code dev} label carries it: {@code "major:minor"}. */
    public String devNumber() {
        return major + ":" + minor;
    }
}
