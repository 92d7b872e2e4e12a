package dev.ioguard.exporter.block;

import dev.ioguard.exporter.devices.BlockDevice;
import dev.ioguard.exporter.devices.DeviceNumbers;
import dev.ioguard.exporter.devices.DeviceTable;
import dev.ioguard.exporter.snapshot.Direction;
import dev.ioguard.exporter.snapshot.DiskIo;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Turns the kernel's (disk, partition, direction) aggregates into per-device snapshots named as in
 * /proc/partitions: a disk's figures include its partitions (as /proc/diskstats does) and each
 * partition also has its own. Aggregates of devices that left /proc/partitions are deleted from the
 * kernel map, so their series disappear at the next collection.
 *
 * <p>Thread-safe as long as the source is: it keeps no state between collections.
 */
public final class DiskIoCollector {
    private final BlockRequestProbe probe;
    private final Supplier<DeviceTable> devices;

    public DiskIoCollector(BlockRequestProbe probe, Supplier<DeviceTable> devices) {
        this.probe = probe;
        this.devices = devices;
    }

    public List<DiskIo> collect() {
        List<RequestStatsEntry> entries = probe.read();
        // Read the device table after the map: a device attached in between is in the table.
        DeviceTable table = devices.get();
        List<RequestStatsEntry> live = new ArrayList<>();
        for (RequestStatsEntry e : entries) {
            if (resolve(table, e.diskDev()).isPresent()) {
                live.add(e);
            } else {
                probe.forget(e);
            }
        }
        return rollUp(live, table);
    }

    /** Disk = sum over all its entries; partition = sum over entries accounted to it. */
    static List<DiskIo> rollUp(List<RequestStatsEntry> entries, DeviceTable table) {
        Map<DeviceDirection, DiskIo> byKey = new LinkedHashMap<>();
        for (RequestStatsEntry e : entries) {
            add(byKey, e.diskDev(), table, e);
            if (e.partDev() != e.diskDev()) {
                add(byKey, e.partDev(), table, e);
            }
        }
        return List.copyOf(byKey.values());
    }

    private record DeviceDirection(int dev, Direction direction) {}

    private static void add(Map<DeviceDirection, DiskIo> byKey, int dev, DeviceTable table,
            RequestStatsEntry e) {
        Optional<BlockDevice> device = resolve(table, dev);
        if (device.isEmpty()) {
            return;
        }
        Direction direction = Direction.fromKernel(e.direction());
        byKey.merge(new DeviceDirection(dev, direction),
                new DiskIo(device.get(), direction, e.operations(), e.bytes(), e.service()),
                (a, b) -> new DiskIo(a.device(), a.direction(), a.operations() + b.operations(),
                        a.bytes() + b.bytes(), a.service().plus(b.service())));
    }

    private static Optional<BlockDevice> resolve(DeviceTable table, int kernelDev) {
        long dev = Integer.toUnsignedLong(kernelDev);
        return table.byNumber(DeviceNumbers.major(dev), DeviceNumbers.minor(dev));
    }
}
