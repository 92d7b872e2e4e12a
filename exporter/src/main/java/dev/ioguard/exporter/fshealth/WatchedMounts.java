package dev.ioguard.exporter.fshealth;

import dev.ioguard.exporter.mounts.MountInfo;
import java.util.Set;

/**
 * Which mounts get a read-only series: filesystems that live on block devices, and overlays (a
 * container's root and log directories). Pseudo filesystems (proc, sysfs, cgroup, tmpfs, ...) and
 * types this list does not know are left out, which keeps the series bounded and meaningful.
 * Stateless.
 */
final class WatchedMounts {
    static final Set<String> DISK_FILESYSTEMS = Set.of("ext2", "ext3", "ext4", "xfs", "btrfs", "f2fs",
            "vfat", "exfat", "ntfs3", "jfs", "reiserfs", "nilfs2", "zfs", "bcachefs");

    private WatchedMounts() {}

    static boolean watched(MountInfo mount) {
        return mount.isOverlay() || isDiskFilesystem(mount);
    }

    static boolean isDiskFilesystem(MountInfo mount) {
        return DISK_FILESYSTEMS.contains(mount.fsType());
    }
}
