package dev.ioguard.exporter.snapshot;

import java.util.List;

/** Everything the kernel collectors know at one collection; every sink translates this. */
public record NodeSnapshot(List<DiskIo> disks, List<FilesystemErrors> filesystemErrors) {
    public NodeSnapshot {
        disks = List.copyOf(disks);
        filesystemErrors = List.copyOf(filesystemErrors);
    }
}
