package dev.ioguard.exporter.testsupport;

import java.nio.file.Path;

/**
 * The incident's failing volume, on loop devices: an "upper" loop device with direct IO over a file
 * on an xfs, which itself lives on a "lower" loop device. Shutting the xfs down
 * ({@code xfs_io -x -c shutdown}) makes every request to the upper device fail with EIO, as a cloud
 * volume's requests do when its backend fails; the lower device sees the xfs shutdown.
 *
 * <p>Not thread-safe: one test owns it. Closing detaches the upper device (only while it still
 * belongs to the backing file), then unmounts the xfs and removes the lower device. A shut-down
 * xfs can still be unmounted, but not written: the upper device's backing file goes with the
 * lower device's image.
 */
public final class XfsBackedLoop implements AutoCloseable {
    /** mkfs.xfs refuses filesystems under 300 MiB. */
    private static final int LOWER_MIB = 320;

    private final LoopDevice lower;
    private final Path image;
    private final String upper;
    private boolean closed;

    private XfsBackedLoop(LoopDevice lower, Path image, String upper) {
        this.lower = lower;
        this.image = image;
        this.upper = upper;
    }

    /** Makes the xfs on a new lower device, mounts it, and attaches an upper device of this size. */
    public static XfsBackedLoop create(int upperMiB) {
        KernelAssumptions.requireProgram("mkfs.xfs");
        KernelAssumptions.requireProgram("xfs_io");
        LoopDevice lower = LoopDevice.create(LOWER_MIB, false);
        try {
            lower.mkfs("xfs");
            Mount xfs = lower.mount("");
            Path image = xfs.mountPoint().resolve("upper.img");
            Command.run("truncate", "-s", upperMiB + "M", image.toString());
            image = image.toRealPath();
            return new XfsBackedLoop(lower, image, Losetup.attach(image, true, false));
        } catch (Exception e) {
            try {
                lower.close();
            } catch (RuntimeException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e instanceof RuntimeException r ? r : new IllegalStateException(e);
        }
    }

    /** The upper device's kernel name, {@code loopN}. */
    public String upperName() {
        return upper;
    }

    public Path upperDevice() {
        return Path.of("/dev", upper);
    }

    /** The lower device (the xfs). */
    public LoopDevice lower() {
        return lower;
    }

    /** Shuts the xfs down: from now on the upper device's requests fail with EIO. */
    public void shutDownLower() {
        Path mountPoint = Leaks.mountsUnder(lower.directory()).stream()
                .map(m -> Path.of(m.mountPoint())).findFirst()
                .orElseThrow(() -> new IllegalStateException("the xfs of " + lower + " is not mounted"));
        Command.run("xfs_io", "-x", "-c", "shutdown", mountPoint.toString());
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        RuntimeException failure = null;
        try {
            Losetup.detach(upper, image);
        } catch (RuntimeException e) {
            failure = e;
        }
        try {
            lower.close();
        } catch (RuntimeException e) {
            if (failure == null) {
                failure = e;
            } else {
                failure.addSuppressed(e);
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    @Override
    public String toString() {
        return "/dev/" + upper + " over " + image + " on " + lower;
    }
}
