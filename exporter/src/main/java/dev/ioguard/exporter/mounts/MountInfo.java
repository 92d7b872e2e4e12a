package dev.ioguard.exporter.mounts;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One line of {@code /proc/self/mountinfo}: a mount, the superblock device behind it, and both option sets.
 *
 * <p>Immutable and safe to share between threads. Paths and options are decoded from mountinfo's octal
 * escapes; overlayfs's own backslash escapes inside option values are kept in {@link #superOptions()} and
 * removed by {@link #overlayUpperDir()} and {@link #overlayWorkDir()}.
 *
 * @param mountId the mount's id, unique while it exists (may be reused afterwards)
 * @param parentId the id of the mount this one is mounted on (its own id for the namespace root)
 * @param major the superblock's device major number ({@code st_dev}); 0 for anonymous devices (tmpfs, overlay)
 * @param minor the superblock's device minor number
 * @param root the directory of the filesystem that is mounted here: {@code /} unless a bind mount took a subtree
 * @param mountPoint where the mount is, relative to the reading process's root
 * @param mountOptions per-mount options ({@code rw}, {@code ro}, {@code nosuid}, ...)
 * @param fsType the filesystem type, with its subtype if any ({@code ext4}, {@code fuse.sshfs}); any value is kept
 * @param source the filesystem-specific source ({@code /dev/vda}, {@code overlay}, {@code none}); may be empty
 * @param superOptions the superblock's options, shared by every mount of it
 */
public record MountInfo(
        int mountId,
        int parentId,
        int major,
        int minor,
        String root,
        String mountPoint,
        List<String> mountOptions,
        String fsType,
        String source,
        List<String> superOptions) {

    private static final String OVERLAY = "overlay";

    public MountInfo {
        Objects.requireNonNull(root, "root");
        Objects.requireNonNull(mountPoint, "mountPoint");
        Objects.requireNonNull(fsType, "fsType");
        Objects.requireNonNull(source, "source");
        mountOptions = List.copyOf(mountOptions);
        superOptions = List.copyOf(superOptions);
        if (major < 0 || minor < 0) {
            throw new IllegalArgumentException("mount " + mountPoint + " has a negative device number " + major + ":" + minor);
        }
        if (!mountPoint.startsWith("/")) {
            throw new IllegalArgumentException("mount point is not absolute: " + mountPoint);
        }
    }

    /** The superblock's device number as the kernel prints it: {@code "major:minor"}. */
    public String devNumber() {
        return major + ":" + minor;
    }

    public boolean isOverlay() {
        return OVERLAY.equals(fsType);
    }

    /** The overlay's upper directory, as a path; empty for other filesystems and for overlays without one. */
    public Optional<String> overlayUpperDir() {
        return overlayOption("upperdir=");
    }

    /** The overlay's work directory, as a path; empty for other filesystems and for overlays without one. */
    public Optional<String> overlayWorkDir() {
        return overlayOption("workdir=");
    }

    /**
     * The most severe read-only state this line shows: {@code shutdown}, {@code emergency_ro} or {@code ro} in the super
     * options, then {@code ro} in the mount options. This is what mountinfo says; an overlay whose upper
     * filesystem failed still says {@code rw} here (see {@link MountTable#effectiveReadOnlyState}).
     */
    public ReadOnlyState readOnlyState() {
        if (superOptions.contains("shutdown")) {
            return ReadOnlyState.SHUT_DOWN;
        }
        if (superOptions.contains("emergency_ro")) {
            return ReadOnlyState.EMERGENCY_READONLY;
        }
        if (superOptions.contains("ro")) {
            return ReadOnlyState.SUPERBLOCK_READONLY;
        }
        if (mountOptions.contains("ro")) {
            return ReadOnlyState.MOUNT_READONLY;
        }
        return ReadOnlyState.WRITABLE;
    }

    private Optional<String> overlayOption(String prefix) {
        if (!isOverlay()) {
            return Optional.empty();
        }
        for (String option : superOptions) {
            if (option.startsWith(prefix)) {
                return Optional.of(MountinfoEscapes.unescapeOverlay(option.substring(prefix.length())));
            }
        }
        return Optional.empty();
    }
}
