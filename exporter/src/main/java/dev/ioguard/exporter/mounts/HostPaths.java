package dev.ioguard.exporter.mounts;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Where the host's procfs and root filesystem are, as node_exporter's {@code --path.procfs} and
 * {@code --path.rootfs}: in a container they are host mounts (e.g. {@code /host/proc},
 * {@code /host/root}), so that the mount table and the mount points are the node's, not the
 * container's own. Immutable.
 */
public record HostPaths(Path procfs, Path rootfs) {
    public static final HostPaths DEFAULT = new HostPaths(Path.of("/proc"), Path.of("/"));

    public HostPaths {
        Objects.requireNonNull(procfs, "procfs");
        Objects.requireNonNull(rootfs, "rootfs");
    }

    /**
     * The node's mount table: that of the host's init process, which a container reaches through
     * the host's procfs; this process's own where that one cannot be read (hidepid).
     */
    public Path mountinfo() {
        Path init = procfs.resolve("1/mountinfo");
        return Files.isReadable(init) ? init : procfs.resolve("self/mountinfo");
    }

    /** A path of the node (as its mount table names it) as this process reaches it. */
    public Path onHost(String hostPath) {
        String relative = hostPath.startsWith("/") ? hostPath.substring(1) : hostPath;
        return relative.isEmpty() ? rootfs : rootfs.resolve(relative);
    }

    /** A one-line problem with these paths, or null when they look right. */
    public String problem() {
        if (!Files.isReadable(mountinfo())) {
            return "--path.procfs=" + procfs + ": " + mountinfo() + " is not readable";
        }
        if (!Files.isDirectory(rootfs)) {
            return "--path.rootfs=" + rootfs + " is not a directory";
        }
        return null;
    }
}
