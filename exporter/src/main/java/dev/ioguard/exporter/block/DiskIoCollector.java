package dev.ioguard.exporter.block;

import dev.ioguard.exporter.devices.BlockDevice;
import dev.ioguard.exporter.devices.DeviceTable;
import dev.ioguard.exporter.histogram.Histogram;
import dev.ioguard.exporter.snapshot.Direction;
import dev.ioguard.exporter.snapshot.DiskInflight;
import dev.ioguard.exporter.snapshot.DiskIo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Turns the kernel's (disk, partition, direction) aggregates of both block stages into per-device
 * snapshots named as in /proc/partitions: a disk includes its partitions (as /proc/diskstats does)
 * and each partition also has its own figures. Operations come from the request stage on blk-mq
 * devices and from the bio stage on bio-based ones, which is where diskstats counts them.
 * Aggregates of devices that left /proc/partitions are deleted from the kernel maps, so their
 * series disappear at the next collection.
 *
 * <p>Keeps no state between collections; safe for concurrent use.
 */
public final class DiskIoCollector {
    private static final Path SYS_BLOCK = Path.of("/sys/block");
    private static final System.Logger LOG = System.getLogger(DiskIoCollector.class.getName());

    private final BlockRequestProbe requests;
    private final BlockBioProbe bios;
    private final Supplier<DeviceTable> devices;
    private final Predicate<String> requestBased;

    public DiskIoCollector(BlockRequestProbe requests, BlockBioProbe bios,
            Supplier<DeviceTable> devices) {
        this(requests, bios, devices, disk -> Files.isDirectory(SYS_BLOCK.resolve(disk).resolve("mq")));
    }

    DiskIoCollector(BlockRequestProbe requests, BlockBioProbe bios, Supplier<DeviceTable> devices,
            Predicate<String> requestBased) {
        this.requests = requests;
        this.bios = bios;
        this.devices = devices;
        this.requestBased = requestBased;
    }

    public List<DiskIo> collect() {
        List<StatsEntry> rq = requests.read();
        List<StatsEntry> bio = bios.read();
        // Read the device table after the maps: a device attached in between is in the table.
        DeviceTable table = devices.get();
        bios.syncPartitions(table);
        return rollUp(live(rq, table, requests::forget), live(bio, table, bios::forget), table,
                requestBased);
    }

    /** Requests in flight per whole disk. */
    public List<DiskInflight> inflight() {
        Map<Integer, Long> byDisk = requests.inflightByDisk();
        DeviceTable table = devices.get();
        List<DiskInflight> out = new ArrayList<>();
        byDisk.forEach((dev, n) -> table.byKernelDev(dev)
                .ifPresent(d -> out.add(new DiskInflight(d, Math.max(0, n)))));
        return out;
    }

    /** Ages out in-flight entries whose completion was never seen. */
    public void ageInflight(long maxAgeNs) {
        long now = System.nanoTime();
        requests.ageInflight(now, maxAgeNs);
        bios.ageInflight(now, maxAgeNs);
    }

    private static List<StatsEntry> live(List<StatsEntry> entries, DeviceTable table,
            java.util.function.Consumer<StatsEntry> forget) {
        List<StatsEntry> live = new ArrayList<>();
        for (StatsEntry e : entries) {
            if (table.byKernelDev(e.diskDev()).isPresent()) {
                live.add(e);
            } else {
                LOG.log(System.Logger.Level.INFO, "block device {0} left /proc/partitions: its "
                        + "figures are dropped", Integer.toHexString(e.diskDev()));
                forget.accept(e);
            }
        }
        return live;
    }

    /** Both stages' figures of one device and direction, accumulated. */
    private static final class Acc {
        final BlockDevice device;
        final Direction direction;
        final boolean requestBased;
        long rqOps, rqBytes, bioOps, bioBytes;
        Histogram service = Histogram.empty(), queue = Histogram.empty(), rqSize = Histogram.empty(),
                depth = Histogram.empty(), total = Histogram.empty(), bioSize = Histogram.empty();

        Acc(BlockDevice device, Direction direction, boolean requestBased) {
            this.device = device;
            this.direction = direction;
            this.requestBased = requestBased;
        }

        void addRequests(StatsEntry e) {
            rqOps += e.operations();
            rqBytes += e.bytes();
            List<Histogram> h = e.histograms(); // service, queue, size, depth
            service = service.plus(h.get(0));
            queue = queue.plus(h.get(1));
            rqSize = rqSize.plus(h.get(2));
            depth = depth.plus(h.get(3));
        }

        void addBios(StatsEntry e) {
            bioOps += e.operations();
            bioBytes += e.bytes();
            List<Histogram> h = e.histograms(); // total, size
            total = total.plus(h.get(0));
            bioSize = bioSize.plus(h.get(1));
        }

        DiskIo build() {
            return requestBased
                    ? new DiskIo(device, direction, rqOps, rqBytes, service, queue, total, rqSize, depth)
                    : new DiskIo(device, direction, bioOps, bioBytes, service, queue, total, bioSize,
                            depth);
        }
    }

    private record Key(int dev, Direction direction) {}

    /** Disk = sum over all its entries; partition = sum over entries accounted to it. */
    static List<DiskIo> rollUp(List<StatsEntry> requests, List<StatsEntry> bios, DeviceTable table,
            Predicate<String> requestBased) {
        Map<Integer, Boolean> mq = new HashMap<>();
        Map<Key, Acc> byKey = new LinkedHashMap<>();
        for (boolean requestStage : new boolean[] {true, false}) {
            for (StatsEntry e : requestStage ? requests : bios) {
                Optional<BlockDevice> disk = table.byKernelDev(e.diskDev());
                if (disk.isEmpty()) {
                    continue;
                }
                boolean isMq = mq.computeIfAbsent(e.diskDev(), d -> requestBased.test(disk.get().name()));
                for (int dev : e.partDev() == e.diskDev() ? new int[] {e.diskDev()}
                        : new int[] {e.diskDev(), e.partDev()}) {
                    Optional<BlockDevice> device = table.byKernelDev(dev);
                    if (device.isEmpty()) {
                        continue;
                    }
                    Direction direction = Direction.fromKernel(e.direction());
                    Acc acc = byKey.computeIfAbsent(new Key(dev, direction),
                            k -> new Acc(device.get(), direction, isMq));
                    if (requestStage) {
                        acc.addRequests(e);
                    } else {
                        acc.addBios(e);
                    }
                }
            }
        }
        return byKey.values().stream().map(Acc::build).toList();
    }
}
