package dev.ioguard.exporter.fshealth;

import dev.ioguard.exporter.devices.DeviceTable;
import dev.ioguard.exporter.mounts.Ext4ErrorState;
import dev.ioguard.exporter.mounts.Ext4Superblock;
import dev.ioguard.exporter.mounts.MountTable;
import java.time.Instant;
import java.util.Optional;

/**
 * What the tracker reads from the system besides its events: the mount table, device names, ext4's
 * error record, whether an xfs mount answers, and the clocks. {@link SystemEnvironment} reads the
 * real ones; tests give their own. Implementations must be safe for concurrent use, and must not
 * block on a filesystem's IO (procfs and sysfs only, stat(2) of a mount's root, and the cached
 * superblock of a mounted ext4).
 */
interface Environment {
    /** {@code /proc/self/mountinfo} now. */
    MountTable readMountTable();

    /** {@code /proc/partitions} now. */
    DeviceTable devices();

    /** {@code /sys/fs/ext4/<device>/} now; empty when that device has no mounted ext4. */
    Optional<Ext4ErrorState> ext4(String device);

    /**
     * The superblock of the ext4 on this device (its mount time, its default errors=), read from the
     * device's page cache; empty when it cannot be read.
     */
    Optional<Ext4Superblock> ext4Superblock(String device);

    /**
     * Whether stat(2) of this xfs mount point fails with EIO: xfs answers every getattr with EIO
     * once shut down (xfs_vn_getattr), and nothing else does, without touching the disk.
     */
    boolean xfsShutDown(String mountPoint);

    /** Whether the block device still exists ({@code /sys/dev/block/<major>:<minor>}). */
    boolean deviceExists(DevNumber dev);

    /** CLOCK_MONOTONIC nanoseconds, the clock of the kernel's event timestamps. */
    long nanoTime();

    Instant now();
}
