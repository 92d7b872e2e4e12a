package dev.ioguard.exporter.testsupport;

import dev.ioguard.exporter.mounts.MountTable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A mount made by a test; closing it unmounts it.
 *
 * <p>Not thread-safe: one test owns it. Mount points should lie in the test's own temporary directory,
 * which is what keeps a test from touching mounts it did not make.
 */
public final class Mount implements AutoCloseable {

    private final Path mountPoint;
    private final String what;
    private boolean closed;

    private Mount(Path mountPoint, String what) {
        this.mountPoint = mountPoint;
        this.what = what;
    }

    /** Mounts a tmpfs; the mount point is created if missing. {@code options} may be empty. */
    public static Mount tmpfs(Path mountPoint, String options) {
        return mount(mountPoint, "tmpfs", "-t", "tmpfs", "-o", options.isEmpty() ? "defaults" : options, "tmpfs");
    }

    /** Bind-mounts a directory (or a mount point) onto another; the mount point is created if missing. */
    public static Mount bind(Path source, Path mountPoint) {
        return mount(mountPoint, "bind of " + source, "--bind", source.toString());
    }

    /**
     * Mounts an overlay; directories are created if missing. Paths may hold commas, colons and
     * backslashes: they are escaped as overlayfs expects.
     */
    public static Mount overlay(Path lower, Path upper, Path work, Path mountPoint) {
        createDirectories(lower);
        createDirectories(upper);
        createDirectories(work);
        String options = "lowerdir=" + escapeOverlay(lower) + ",upperdir=" + escapeOverlay(upper)
                + ",workdir=" + escapeOverlay(work);
        return mount(mountPoint, "overlay", "-t", "overlay", "-o", options, "overlay");
    }

    /** Mounts a block device with its filesystem detected; {@code options} may be empty. */
    public static Mount device(Path device, Path mountPoint, String options) {
        return options.isEmpty()
                ? mount(mountPoint, device.toString(), device.toString())
                : mount(mountPoint, device.toString(), "-o", options, device.toString());
    }

    public Path mountPoint() {
        return mountPoint;
    }

    /** Unmounts, lazily if the mount is busy; idempotent. Does nothing if the mount is already gone. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        unmount(mountPoint);
    }

    /** Unmounts the top mount at a mount point, lazily if a plain unmount fails. */
    static void unmount(Path mountPoint) {
        if (MountTable.read().byMountPoint(mountPoint.toString()).isEmpty()) {
            return;
        }
        Command.Result plain = Command.exec("umount", mountPoint.toString());
        if (!plain.succeeded()) {
            Command.Result lazy = Command.exec("umount", "--lazy", mountPoint.toString());
            if (!lazy.succeeded()) {
                throw new IllegalStateException("cannot unmount " + mountPoint + ": " + plain.output().strip()
                        + "; lazily: " + lazy.output().strip());
            }
        }
    }

    @Override
    public String toString() {
        return what + " on " + mountPoint;
    }

    private static Mount mount(Path mountPoint, String what, String... arguments) {
        createDirectories(mountPoint);
        String[] argv = new String[arguments.length + 2];
        argv[0] = "mount";
        System.arraycopy(arguments, 0, argv, 1, arguments.length);
        argv[argv.length - 1] = mountPoint.toString();
        Command.run(argv);
        return new Mount(mountPoint, what);
    }

    private static String escapeOverlay(Path path) {
        return path.toString().replace("\\", "\\\\").replace(",", "\\,").replace(":", "\\:");
    }

    private static void createDirectories(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir, e);
        }
    }
}
