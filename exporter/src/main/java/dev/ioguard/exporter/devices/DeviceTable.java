package dev.ioguard.exporter.devices;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The block devices of this node, from one read of {@code /proc/partitions}, looked up by number or
 * kernel name; partitions are resolved to their whole disk through sysfs.
 *
 * <p>Immutable after construction and safe to share between threads. A table is a snapshot: read a new
 * one to see devices that appeared since. {@code /proc/partitions} lists only devices with a size, so an
 * unbound loop device or an empty zram device is not in the table (sysfs still knows it).
 */
public final class DeviceTable {

    /** Where {@link #read()} looks. */
    public static final Path PROC_PARTITIONS = Path.of("/proc/partitions");
    /** The sysfs root used when none is given. */
    public static final Path SYSFS = Path.of("/sys");

    private final List<BlockDevice> devices;
    private final Map<Long, BlockDevice> byNumber;
    private final Map<String, BlockDevice> byName;
    private final int skippedLines;
    private final SysfsBlock sysfs;

    private DeviceTable(List<BlockDevice> devices, int skippedLines, Path sysfsRoot) {
        this.devices = List.copyOf(devices);
        this.skippedLines = skippedLines;
        this.sysfs = new SysfsBlock(sysfsRoot);
        this.byNumber = new HashMap<>();
        this.byName = new HashMap<>();
        for (BlockDevice device : this.devices) {
            // A duplicate means a torn read; the first line wins, as it came from the older state.
            byNumber.putIfAbsent(key(device.major(), device.minor()), device);
            byName.putIfAbsent(device.name(), device);
        }
    }

    /** The table described by a {@code /proc/partitions} text; partitions resolve through {@code /sys}. */
    public static DeviceTable parse(String procPartitionsText) {
        return parse(procPartitionsText, SYSFS);
    }

    /** The table described by a {@code /proc/partitions} text; partitions resolve through the given sysfs root. */
    public static DeviceTable parse(String procPartitionsText, Path sysfsRoot) {
        Objects.requireNonNull(procPartitionsText, "procPartitionsText");
        Objects.requireNonNull(sysfsRoot, "sysfsRoot");
        ProcPartitions.Parsed parsed = ProcPartitions.parse(procPartitionsText);
        return new DeviceTable(parsed.devices(), parsed.skippedLines(), sysfsRoot);
    }

    /**
     * Reads {@code /proc/partitions} now.
     *
     * @throws UncheckedIOException when the file cannot be read
     */
    public static DeviceTable read() {
        return read(PROC_PARTITIONS, SYSFS);
    }

    /**
     * Reads a {@code /proc/partitions}-format file now, resolving partitions through the given sysfs root.
     *
     * @throws UncheckedIOException when the file cannot be read
     */
    public static DeviceTable read(Path procPartitions, Path sysfsRoot) {
        try {
            return parse(new String(Files.readAllBytes(procPartitions), StandardCharsets.UTF_8), sysfsRoot);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + procPartitions, e);
        }
    }

    public Optional<BlockDevice> byNumber(int major, int minor) {
        return Optional.ofNullable(byNumber.get(key(major, minor)));
    }

    /** The device with this dev_t in the kernel's encoding, as BPF programs report it. */
    public Optional<BlockDevice> byKernelDev(int kernelDevT) {
        long dev = Integer.toUnsignedLong(kernelDevT);
        return byNumber(DeviceNumbers.major(dev), DeviceNumbers.minor(dev));
    }

    public Optional<BlockDevice> byName(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    /** Every device, in the order of the file. */
    public List<BlockDevice> all() {
        return devices;
    }

    /** Lines that were neither a device, the header nor blank, and so were left out. */
    public int skippedLines() {
        return skippedLines;
    }

    /**
     * The whole disk a partition belongs to, read from sysfs now: for {@code nvme0n1p2} that is
     * {@code nvme0n1}. A whole disk (or a device without partitions, such as a loop device) is its own
     * whole disk. Empty when sysfs does not know the device number. The answer comes from sysfs, so it
     * does not need the disk to be in this table.
     *
     * @throws UncheckedIOException when sysfs exists but cannot be read
     */
    public Optional<BlockDevice> wholeDisk(BlockDevice partition) {
        Objects.requireNonNull(partition, "partition");
        return sysfs.wholeDisk(partition.major(), partition.minor())
                .map(disk -> byNumber(disk.major(), disk.minor()).orElse(disk));
    }

    private static long key(int major, int minor) {
        return ((long) major << 32) | (minor & 0xFFFF_FFFFL);
    }
}
