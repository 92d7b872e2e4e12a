package dev.ioguard.exporter.snapshot;

import dev.ioguard.exporter.devices.BlockDevice;
import java.util.Objects;

/** Filesystem errors the kernel reported for one device's superblock since the probe attached. */
public record FilesystemErrors(BlockDevice device, String fsType, long errors) {
    public FilesystemErrors {
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(fsType, "fsType");
        if (errors < 0) {
            throw new IllegalArgumentException("negative error count");
        }
    }
}
