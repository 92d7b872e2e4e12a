package dev.ioguard.exporter.mounts;

/**
 * Whether writes through a mount can succeed, and which layer says they cannot.
 *
 * <p>Immutable; safe to use from any thread. Constants are declared from least to most severe, and
 * {@link MountInfo#readOnlyState()} reports the most severe one that applies: a superblock that went
 * read-only after an error matters more than a mount an administrator made read-only.
 */
public enum ReadOnlyState {
    /** Neither the mount nor its superblock is read-only. */
    WRITABLE,
    /** {@code ro} in the per-mount options: this mount (for instance a read-only bind) refuses writes. */
    MOUNT_READONLY,
    /** {@code ro} in the super options: every mount of the filesystem refuses writes. */
    SUPERBLOCK_READONLY,
    /**
     * ext4 {@code emergency_ro} in the super options (Linux 6.15+): the filesystem hit an error under
     * {@code errors=remount-ro} or was shut down. Both option fields still say {@code rw}, and statvfs
     * shows no {@code ST_RDONLY}, yet every write fails with EROFS.
     */
    EMERGENCY_READONLY,
    /**
     * ext4 {@code shutdown} in the super options (Linux 6.18, measured): the filesystem was shut down
     * (EXT4_IOC_SHUTDOWN, {@code xfs_io -x -c shutdown}, or its device went away). Both option fields
     * still say {@code rw}; every write and most reads fail with EIO. (xfs shows no such marker.)
     */
    SHUT_DOWN;

    /** True for every state in which writes fail. */
    public boolean readOnly() {
        return this != WRITABLE;
    }

    /** True for the states of the superblock, which every mount of the filesystem (and overlays on it) meets. */
    public boolean superblockWide() {
        return this == SUPERBLOCK_READONLY || this == EMERGENCY_READONLY || this == SHUT_DOWN;
    }

    /** The more severe of two states. */
    public ReadOnlyState worse(ReadOnlyState other) {
        return other.ordinal() > ordinal() ? other : this;
    }
}
