package dev.ioguard.exporter.snapshot;

import java.util.List;
import java.util.Objects;

/** Everything the kernel collectors know at one collection; every sink translates this. */
public record NodeSnapshot(List<DiskIo> disks, List<DiskInflight> inflight,
        List<DiskErrors> diskErrors, FilesystemHealth filesystems) {
    public NodeSnapshot {
        disks = List.copyOf(disks);
        inflight = List.copyOf(inflight);
        diskErrors = List.copyOf(diskErrors);
        Objects.requireNonNull(filesystems, "filesystems");
    }

    public static NodeSnapshot empty() {
        return new NodeSnapshot(List.of(), List.of(), List.of(), FilesystemHealth.EMPTY);
    }
}
