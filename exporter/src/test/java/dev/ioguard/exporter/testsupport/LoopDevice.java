package dev.ioguard.exporter.testsupport;

import dev.ioguard.exporter.mounts.MountInfo;
import dev.ioguard.exporter.mounts.MountTable;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;

/**
 * A loop device over a sparse file in a fresh temporary directory, for kernel tests; closing it
 * unmounts everything mounted under that directory and whatever else still mounts the device, detaches
 * the device and deletes the directory.
 *
 * <p>Not thread-safe: one test owns it. It only ever acts on its own directory and on the device that
 * {@code losetup --find --show} returned for its backing file, and checks before detaching that the
 * device still belongs to that file (a device detached early could have been reused by someone else).
 */
public final class LoopDevice implements AutoCloseable {

    private final Path directory;
    private final Path backingFile;
    private final String name;
    private final int major;
    private final int minor;
    private int mountCount;
    private boolean closed;

    private LoopDevice(Path directory, Path backingFile, String name, int major, int minor) {
        this.directory = directory;
        this.backingFile = backingFile;
        this.name = name;
        this.major = major;
        this.minor = minor;
    }

    /** A loop device of this size over a file in the system temporary directory. */
    public static LoopDevice create(int sizeMiB, boolean directIo) {
        return builder().sizeMiB(sizeMiB).directIo(directIo).create();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Options for a new loop device. Not thread-safe. */
    public static final class Builder {
        private int sizeMiB = 64;
        private boolean directIo;
        private int partitions;
        private Path parentDirectory = Path.of(System.getProperty("java.io.tmpdir"));

        private Builder() {}

        public Builder sizeMiB(int sizeMiB) {
            if (sizeMiB < 1) {
                throw new IllegalArgumentException("size must be at least 1 MiB, not " + sizeMiB);
            }
            this.sizeMiB = sizeMiB;
            return this;
        }

        /** Direct IO on the backing file ({@code losetup --direct-io=on}): the device then behaves like a disk. */
        public Builder directIo(boolean directIo) {
            this.directIo = directIo;
            return this;
        }

        /** Writes an MBR with this many (1 to 4) equal partitions and makes the kernel see them. */
        public Builder partitions(int partitions) {
            if (partitions < 1 || partitions > MbrPartitionTable.MAX_PARTITIONS) {
                throw new IllegalArgumentException("1 to " + MbrPartitionTable.MAX_PARTITIONS + " partitions, not " + partitions);
            }
            this.partitions = partitions;
            return this;
        }

        /** Where the device's own temporary directory is made; its filesystem must support direct IO if asked for. */
        public Builder in(Path parentDirectory) {
            this.parentDirectory = parentDirectory;
            return this;
        }

        /**
         * Makes the backing file and attaches it. On any failure nothing is left behind.
         *
         * @throws IllegalStateException when losetup fails or direct IO was asked for and is not in force
         */
        public LoopDevice create() {
            return configure(attach());
        }

        private LoopDevice attach() {
            Path directory;
            try {
                directory = Files.createTempDirectory(parentDirectory, "ioguard-loop-");
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create a directory in " + parentDirectory, e);
            }
            Path image = directory.resolve("disk.img");
            try {
                try (RandomAccessFile file = new RandomAccessFile(image.toFile(), "rw")) {
                    file.setLength(sizeMiB * 1024L * 1024L);
                }
                if (partitions > 0) {
                    MbrPartitionTable.write(image, sizeMiB, partitions);
                }
                // The kernel reports the backing file by its real path; compare against that later.
                image = image.toRealPath();
                String name = Losetup.attach(image, directIo, partitions > 0);
                String[] number = Losetup.readSysfs(Path.of("/sys/block", name, "dev")).split(":");
                return new LoopDevice(directory, image, name, Integer.parseInt(number[0]), Integer.parseInt(number[1]));
            } catch (IOException e) {
                throw cleanUp(directory, image, new UncheckedIOException("cannot create " + image, e));
            } catch (RuntimeException e) {
                throw cleanUp(directory, image, e);
            }
        }

        /** The device as asked for: direct IO in force and the partitions known to the kernel. */
        private LoopDevice configure(LoopDevice device) {
            try {
                if (directIo && !device.directIoActive()) {
                    throw new IllegalStateException("direct IO was asked for but is not in force on " + device.name
                            + " (does the filesystem under " + parentDirectory + " support O_DIRECT?)");
                }
                if (partitions > 0) {
                    device.addPartitions(partitions);
                }
                return device;
            } catch (RuntimeException e) {
                try {
                    device.close();
                } catch (RuntimeException cleanup) {
                    e.addSuppressed(cleanup);
                }
                throw e;
            }
        }

        private static RuntimeException cleanUp(Path directory, Path image, RuntimeException failure) {
            for (String attached : Leaks.loopDevicesBackedUnder(directory)) {
                try {
                    Losetup.detach(attached, image);
                } catch (RuntimeException e) {
                    failure.addSuppressed(e);
                }
            }
            try {
                DirectoryTrees.delete(directory);
            } catch (RuntimeException e) {
                failure.addSuppressed(e);
            }
            return failure;
        }
    }

    /** The device node, {@code /dev/loopN}. */
    public Path device() {
        return Path.of("/dev", name);
    }

    /** The kernel name, {@code loopN}: the name in /proc/partitions, /sys/block and /sys/fs/ext4. */
    public String name() {
        return name;
    }

    public int major() {
        return major;
    }

    public int minor() {
        return minor;
    }

    /** {@code "major:minor"}. */
    public String devNumber() {
        return major + ":" + minor;
    }

    public Path backingFile() {
        return backingFile;
    }

    /** The device's own temporary directory: put mount points and other test files here. */
    public Path directory() {
        return directory;
    }

    /** Whether the kernel does direct IO on the backing file ({@code /sys/block/loopN/loop/dio}). */
    public boolean directIoActive() {
        return "1".equals(Losetup.readSysfs(Path.of("/sys/block", name, "loop", "dio")));
    }

    /** The kernel name of partition n (from 1), e.g. {@code loop3p1}. */
    public String partitionName(int n) {
        return name + "p" + n;
    }

    /** The device number of partition n (from 1), {@code "major:minor"}, read from sysfs. */
    public String partitionDevNumber(int n) {
        return Losetup.readSysfs(Path.of("/sys/block", name, partitionName(n), "dev"));
    }

    /** Makes a filesystem on the whole device, quietly and without asking: {@code ext4}, {@code xfs}, or another mkfs type. */
    public void mkfs(String type, String... extraArguments) {
        List<String> argv = new ArrayList<>();
        switch (type) {
            case "ext4", "ext3", "ext2" -> argv.addAll(List.of("mkfs." + type, "-q", "-F"));
            case "xfs" -> argv.addAll(List.of("mkfs.xfs", "-q", "-f"));
            default -> argv.addAll(List.of("mkfs", "-t", type));
        }
        argv.addAll(List.of(extraArguments));
        argv.add(device().toString());
        Command.run(argv.toArray(String[]::new));
    }

    /** Mounts the whole device on a fresh directory under {@link #directory()}; {@code options} may be empty. */
    public Mount mount(String options) {
        mountCount++;
        return Mount.device(device(), directory.resolve("mnt-" + mountCount), options);
    }

    /**
     * Unmounts what holds the device, then detaches it if it still belongs to the backing file, and deletes
     * the directory. Idempotent. Unmounting goes from the leaves down, so that nothing needs a lazy
     * unmount unless a test left a file open: overlays whose upper layer lies on the device (wherever they
     * are), then every mount under {@link #directory()} newest first, then the device's mounts elsewhere.
     * Every step is tried even when one fails; the first failure is thrown with the others suppressed.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        RuntimeException failure = null;
        try {
            unmountVisible((table, device) -> table.overlaysBackedBy(device[0], device[1]));
        } catch (RuntimeException e) {
            failure = chain(failure, e);
        }
        List<MountInfo> mounts = Leaks.mountsUnder(directory);
        for (MountInfo mount : mounts.reversed()) {
            try {
                Mount.unmount(Path.of(mount.mountPoint()));
            } catch (RuntimeException e) {
                failure = chain(failure, e);
            }
        }
        try {
            unmountVisible((table, device) -> table.mountsOf(device[0], device[1]));
        } catch (RuntimeException e) {
            failure = chain(failure, e);
        }
        try {
            Losetup.detach(name, backingFile);
        } catch (RuntimeException e) {
            failure = chain(failure, e);
        }
        if (Leaks.mountsUnder(directory).isEmpty()) {
            try {
                DirectoryTrees.delete(directory);
            } catch (RuntimeException e) {
                failure = chain(failure, e);
            }
        } else {
            failure = chain(failure, new IllegalStateException("mounts remain under " + directory + "; not deleting it"));
        }
        if (failure != null) {
            throw failure;
        }
    }

    /**
     * Unmounts, newest first, the mounts that a query finds for this device and for each of its partitions
     * ({major, minor}). A mount is unmounted only while it is the visible one at its mount point, so
     * nothing stacked over it by someone else is touched.
     */
    private void unmountVisible(BiFunction<MountTable, int[], List<MountInfo>> holders) {
        List<String> numbers = new ArrayList<>(List.of(devNumber()));
        for (int n = 1; Files.exists(Path.of("/sys/block", name, partitionName(n))); n++) {
            numbers.add(partitionDevNumber(n));
        }
        for (String number : numbers) {
            String[] parts = number.split(":");
            int[] device = {Integer.parseInt(parts[0]), Integer.parseInt(parts[1])};
            for (MountInfo holder : holders.apply(MountTable.read(), device).reversed()) {
                MountInfo visible = MountTable.read().byMountPoint(holder.mountPoint()).orElse(null);
                if (visible != null && visible.mountId() == holder.mountId()) {
                    Mount.unmount(Path.of(holder.mountPoint()));
                }
            }
        }
    }

    @Override
    public String toString() {
        return "/dev/" + name + " (" + devNumber() + ") over " + backingFile;
    }

    /**
     * Makes sure the kernel knows the partitions. A kernel without partition-table parsers (this machine's
     * 6.18 has no CONFIG_MSDOS_PARTITION) finds none at --partscan; partx reads the table in user space and
     * adds them with the BLKPG ioctl, which needs no parser. They get extended numbers (major 259).
     */
    private void addPartitions(int partitions) {
        if (!Files.exists(Path.of("/sys/block", name, partitionName(1)))) {
            Command.run("partx", "--add", device().toString());
        }
        for (int n = 1; n <= partitions; n++) {
            if (!Files.exists(Path.of("/sys/block", name, partitionName(n)))) {
                throw new IllegalStateException("partition " + partitionName(n) + " did not appear after partx --add");
            }
        }
    }

    private static RuntimeException chain(RuntimeException first, RuntimeException next) {
        if (first == null) {
            return next;
        }
        first.addSuppressed(next);
        return first;
    }
}
