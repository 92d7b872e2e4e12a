package dev.ioguard.exporter.snapshot;

import dev.ioguard.exporter.devices.BlockDevice;
import dev.ioguard.exporter.histogram.Histogram;
import java.util.Objects;

/**
 * Completed requests of one block device in one direction since the probe was attached: counts
 * as /proc/diskstats counts them, and the issue-to-completion latency of those requests.
 * A whole disk includes its partitions, as in diskstats.
 */
public record DiskIo(BlockDevice device, Direction direction, long operations, long bytes,
        Histogram service) {
    public DiskIo {
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(direction, "direction");
        Objects.requireNonNull(service, "service");
        if (operations < 0 || bytes < 0) {
            throw new IllegalArgumentException("negative counter for " + device.name());
        }
    }
}
