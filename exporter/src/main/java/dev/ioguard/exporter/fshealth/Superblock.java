package dev.ioguard.exporter.fshealth;

import dev.ioguard.exporter.mounts.MountInfo;
import dev.ioguard.exporter.mounts.ReadOnlyState;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What the tracker knows of one mounted superblock (one instance: unmounting every mount of it ends
 * it). Mutable; only used under the tracker's lock.
 */
final class Superblock {
    final DevNumber dev;
    final String fsType;
    /** The mounts of this superblock in the latest table, in table order. */
    List<MountInfo> mounts;
    /** Their ids: a later table sharing none of them shows a new instance. */
    Set<Integer> mountIds;
    /** The superblock-wide state the mount table shows (ro, emergency_ro, shutdown) or WRITABLE. */
    ReadOnlyState tableState;
    /**
     * An incident the table may not show (xfs shutdown never does; ext4 emergency_ro not before 6.15):
     * remembered until the table has shown it and then stops showing it, or the instance ends.
     */
    Cause incident;
    /** Whether the table has shown the superblock read-only since the incident. */
    boolean incidentConfirmed;
    /** Writes through every mount of this superblock fail, as last decided. */
    boolean readOnly;
    /** ext4: errors_count when first seen, to find errors no hook reported. */
    long ext4ErrorsBaseline = -1;
    /** ext4: errors the hooks reported since the baseline was taken. */
    long ext4ErrorsSeen;
    /** ext4: since when errors_count has been ahead of the hooks (-1: it is not), and by how much at least. */
    long unseenSinceNanos = -1;
    long unseenAtMark;

    Superblock(DevNumber dev, List<MountInfo> mounts) {
        this.dev = dev;
        this.fsType = mounts.get(0).fsType();
        update(mounts);
    }

    void update(List<MountInfo> mounts) {
        this.mounts = List.copyOf(mounts);
        this.mountIds = new HashSet<>();
        for (MountInfo m : mounts) {
            mountIds.add(m.mountId());
        }
        ReadOnlyState state = mounts.get(0).readOnlyState();
        this.tableState = state.superblockWide() ? state : ReadOnlyState.WRITABLE;
    }

    /** True while some mount of this instance remains among these; false shows a new instance. */
    boolean sameInstance(List<MountInfo> mounts) {
        for (MountInfo m : mounts) {
            if (mountIds.contains(m.mountId())) {
                return true;
            }
        }
        return false;
    }

    /** The effective superblock-wide state: the table's, or a remembered incident. */
    boolean computeReadOnly() {
        return tableState.superblockWide() || incident != null;
    }

    List<String> mountPoints() {
        return mounts.stream().map(MountInfo::mountPoint).toList();
    }
}
