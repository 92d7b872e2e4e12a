package dev.ioguard.exporter.snapshot;

import java.util.List;

/**
 * The filesystems' health at one collection: whether each mount accepts writes, and the failures
 * counted since the exporter started. Every list holds one entry per mount point of a superblock.
 *
 * @param readOnly  one entry per watched mount (disk filesystems and overlays)
 * @param errors    filesystem errors the kernel reported
 * @param shutdowns filesystem shutdowns
 * @param remounts  transitions to read-only
 */
public record FilesystemHealth(List<MountReadOnly> readOnly, List<FilesystemCount> errors,
        List<FilesystemCount> shutdowns, List<FilesystemCount> remounts) {
    public static final FilesystemHealth EMPTY =
            new FilesystemHealth(List.of(), List.of(), List.of(), List.of());

    public FilesystemHealth {
        readOnly = List.copyOf(readOnly);
        errors = List.copyOf(errors);
        shutdowns = List.copyOf(shutdowns);
        remounts = List.copyOf(remounts);
    }
}
