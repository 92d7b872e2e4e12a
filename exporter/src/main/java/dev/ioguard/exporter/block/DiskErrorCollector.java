package dev.ioguard.exporter.block;

import dev.ioguard.exporter.devices.BlockDevice;
import dev.ioguard.exporter.devices.DeviceNumbers;
import dev.ioguard.exporter.devices.DeviceTable;
import dev.ioguard.exporter.events.Event;
import dev.ioguard.exporter.events.Severity;
import dev.ioguard.exporter.snapshot.Direction;
import dev.ioguard.exporter.snapshot.DiskErrors;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Failed block requests as snapshots (rolled up from partitions into disks, as diskstats does) and
 * as {@code disk.request.error} events. Stateless between calls; safe for concurrent use.
 */
public final class DiskErrorCollector {
    private final BlockErrorProbe probe;
    private final Supplier<DeviceTable> devices;
    private final String nodeName;
    private final BlockStatusNumbering statuses;

    public DiskErrorCollector(BlockErrorProbe probe, Supplier<DeviceTable> devices, String nodeName,
            BlockStatusNumbering statuses) {
        this.probe = probe;
        this.devices = devices;
        this.nodeName = nodeName;
        this.statuses = statuses;
    }

    public List<DiskErrors> collect() {
        DeviceTable table = devices.get();
        record Key(BlockDevice device, Direction direction, String errorType) {}
        Map<Key, Long> counts = new LinkedHashMap<>();
        for (BlockErrorProbe.ErrorCount c : probe.counts()) {
            Direction direction = Direction.fromKernel(c.direction());
            String type = errorType(c.status());
            for (int dev : c.partDev() == c.diskDev() ? new int[] {c.diskDev()}
                    : new int[] {c.diskDev(), c.partDev()}) {
                table.byKernelDev(dev).ifPresent(
                        d -> counts.merge(new Key(d, direction, type), c.count(), Long::sum));
            }
        }
        return counts.entrySet().stream().map(e -> new DiskErrors(e.getKey().device(),
                e.getKey().direction(), e.getKey().errorType(), e.getValue())).toList();
    }

    /** The event for one failure; the wall time is derived from the kernel's monotonic clock. */
    public Event toEvent(BlockErrorProbe.ErrorEvent e, long monotonicNowNs, Instant wallNow) {
        DeviceTable table = devices.get();
        long dev = Integer.toUnsignedLong(e.partDev());
        String devNumber = DeviceNumbers.major(dev) + ":" + DeviceNumbers.minor(dev);
        Map<String, Object> attributes = new LinkedHashMap<>();
        attributes.put("device", table.byKernelDev(e.partDev()).map(BlockDevice::name).orElse(devNumber));
        attributes.put("dev", devNumber);
        attributes.put("disk", table.byKernelDev(e.diskDev()).map(BlockDevice::name).orElse(""));
        attributes.put("direction", Direction.fromKernel(e.direction()).label());
        attributes.put("error_type", errorType(e.status()));
        attributes.put("errno", probe.statusIsErrno() ? BlockStatus.fromErrno(e.status()).errno()
                : statuses.errno(e.status()));
        attributes.put("sector", e.sector());
        attributes.put("bytes", e.bytes());
        attributes.put("node", nodeName);
        Instant time = wallNow.minusNanos(Math.max(0, monotonicNowNs - e.monotonicNs()));
        return new Event("disk.request.error",
                routine(e.status()) ? Severity.INFO : Severity.ERROR, time, attributes);
    }

    /** Classic tracepoints report the errno, named the same on every kernel; tp_btf the number. */
    private String errorType(int status) {
        return probe.statusIsErrno() ? BlockStatus.fromErrno(status).errorType()
                : statuses.errorType(status);
    }

    private boolean routine(int status) {
        return probe.statusIsErrno() ? BlockStatus.fromErrno(status).routine() : statuses.routine(status);
    }
}
