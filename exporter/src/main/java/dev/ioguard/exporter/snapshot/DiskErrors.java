package dev.ioguard.exporter.snapshot;

import dev.ioguard.exporter.devices.BlockDevice;
import java.util.Objects;

/**
 * Failed block requests of one device, direction and block status.
 *
 * @param errorType the block status as {@code error.type}, e.g. {@code io}, {@code not_supported}
 */
public record DiskErrors(BlockDevice device, Direction direction, String errorType, long count) {
    public DiskErrors {
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(direction, "direction");
        Objects.requireNonNull(errorType, "errorType");
    }
}
