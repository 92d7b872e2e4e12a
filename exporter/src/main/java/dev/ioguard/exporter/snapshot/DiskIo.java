package dev.ioguard.exporter.snapshot;

import dev.ioguard.exporter.devices.BlockDevice;
import dev.ioguard.exporter.histogram.Histogram;
import java.util.Objects;

/**
 * Block IO of one device in one direction since the probes attached. Operations and bytes are
 * counted as /proc/diskstats counts them (requests on blk-mq devices, bios on bio-based ones such
 * as zram); a whole disk includes its partitions, as in diskstats.
 *
 * @param service issue -> completion (requests; empty on bio-based devices)
 * @param queue   scheduler insert -> issue, 0 for requests issued directly (requests)
 * @param total   bio queued -> bio completed (every device)
 * @param size    request size on blk-mq devices, bio size on bio-based ones
 * @param depth   requests in flight on the disk at each issue, that one included (requests)
 */
public record DiskIo(BlockDevice device, Direction direction, long operations, long bytes,
        Histogram service, Histogram queue, Histogram total, Histogram size, Histogram depth) {
    public DiskIo {
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(direction, "direction");
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(queue, "queue");
        Objects.requireNonNull(total, "total");
        Objects.requireNonNull(size, "size");
        Objects.requireNonNull(depth, "depth");
        if (operations < 0 || bytes < 0) {
            throw new IllegalArgumentException("negative counter for " + device.name());
        }
    }
}
