package dev.ioguard.exporter.snapshot;

import java.util.Objects;

/**
 * Whether writes through one mount fail: a plain {@code ro} mount, a superblock that went read-only
 * ({@code ro}, ext4 {@code emergency_ro}, ext4 {@code shutdown}), a shut-down xfs, or an overlay whose
 * upper directory lies on such a filesystem.
 *
 * @param device     kernel name of the superblock's device; for an overlay, of its upper directory's
 * @param mountPoint where the mount is
 * @param fsType     {@code ext4}, {@code xfs}, {@code overlay}, ...
 */
public record MountReadOnly(String device, String mountPoint, String fsType, boolean readOnly) {
    public MountReadOnly {
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(mountPoint, "mountPoint");
        Objects.requireNonNull(fsType, "fsType");
    }
}
