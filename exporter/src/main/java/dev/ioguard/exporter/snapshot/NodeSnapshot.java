package dev.ioguard.exporter.snapshot;

import java.util.List;

/** Everything the kernel collectors know at one collection; every sink translates this. */
public record NodeSnapshot(List<DiskIo> disks, FilesystemHealth filesystems) {
    public NodeSnapshot {
        disks = List.copyOf(disks);
        java.util.Objects.requireNonNull(filesystems, "filesystems");
    }
}
