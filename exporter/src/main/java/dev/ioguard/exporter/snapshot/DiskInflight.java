package dev.ioguard.exporter.snapshot;

import dev.ioguard.exporter.devices.BlockDevice;
import java.util.Objects;

/** Requests issued to a whole disk and not yet completed (as /sys/block/<dev>/inflight). */
public record DiskInflight(BlockDevice device, long requests) {
    public DiskInflight {
        Objects.requireNonNull(device, "device");
    }
}
