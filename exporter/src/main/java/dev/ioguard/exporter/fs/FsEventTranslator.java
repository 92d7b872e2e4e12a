package dev.ioguard.exporter.fs;

import dev.ioguard.exporter.devices.BlockDevice;
import dev.ioguard.exporter.devices.DeviceNumbers;
import dev.ioguard.exporter.devices.DeviceTable;
import dev.ioguard.exporter.events.Event;
import dev.ioguard.exporter.events.Severity;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Turns a kernel filesystem failure into an {@link Event} a person can act on: which device
 * (kernel name and major:minor), which filesystem, what the kernel said and where. Thread-safe if
 * its suppliers are.
 */
public final class FsEventTranslator {
    private final Supplier<DeviceTable> devices;
    private final String nodeName;
    private final LongSupplier monotonicNow;
    private final Supplier<Instant> wallNow;

    public FsEventTranslator(Supplier<DeviceTable> devices, String nodeName) {
        this(devices, nodeName, System::nanoTime, Instant::now);
    }

    FsEventTranslator(Supplier<DeviceTable> devices, String nodeName, LongSupplier monotonicNow,
            Supplier<Instant> wallNow) {
        this.devices = devices;
        this.nodeName = nodeName;
        this.monotonicNow = monotonicNow;
        this.wallNow = wallNow;
    }

    public Event translate(FsEvent e) {
        long dev = Integer.toUnsignedLong(e.kernelDev());
        int major = DeviceNumbers.major(dev);
        int minor = DeviceNumbers.minor(dev);
        String name = devices.get().byNumber(major, minor).map(BlockDevice::name)
                .orElse(e.fsId().isEmpty() ? major + ":" + minor : e.fsId());
        Map<String, Object> attributes = new LinkedHashMap<>();
        attributes.put("device", name);
        attributes.put("dev", major + ":" + minor);
        attributes.put("fs_type", e.kind().fsType());
        attributes.put("function", e.function());
        attributes.put("line", e.line());
        attributes.put("pid", e.pid());
        attributes.put("comm", e.comm());
        attributes.put("node", nodeName);
        return new Event(eventName(e.kind()), Severity.ERROR, wallTime(e.monotonicNs()), attributes);
    }

    private static String eventName(FsEvent.Kind kind) {
        return switch (kind) {
            case EXT4_ERROR -> "filesystem.error";
        };
    }

    /** Kernel CLOCK_MONOTONIC to wall time, through the same clock in this process. */
    private Instant wallTime(long monotonicNs) {
        long ago = Math.max(0, monotonicNow.getAsLong() - monotonicNs);
        return wallNow.get().minusNanos(ago);
    }
}
