package dev.ioguard.exporter.snapshot;

import java.util.Objects;

/**
 * A count of filesystem failures of one kind for one mount point of a superblock, by cause.
 *
 * @param device     kernel name of the superblock's device
 * @param mountPoint one mount point of that superblock; empty when it had none the exporter saw
 * @param cause      {@code fs_error}, {@code shutdown}, {@code admin}, {@code device_removed} or
 *                   {@code unknown}
 */
public record FilesystemCount(String device, String mountPoint, String fsType, String cause,
        long count) {
    public FilesystemCount {
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(mountPoint, "mountPoint");
        Objects.requireNonNull(fsType, "fsType");
        Objects.requireNonNull(cause, "cause");
        if (count < 0) {
            throw new IllegalArgumentException("negative count for " + device + " " + mountPoint);
        }
    }
}
