package dev.ioguard.exporter.otlp;

import dev.ioguard.exporter.histogram.HistogramUnit;
import dev.ioguard.exporter.snapshot.DiskIo;
import dev.ioguard.exporter.snapshot.FilesystemErrors;
import dev.ioguard.exporter.snapshot.NodeSnapshot;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.common.Clock;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.export.MetricProducer;
import io.opentelemetry.sdk.resources.Resource;
import java.util.Collection;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The kernel metrics of the public contract (DESIGN.md, "Names"; the OpenTelemetry column),
 * translated from one {@link NodeSnapshot} per collection, exactly as {@code KernelMetrics} does
 * for Prometheus. To export a new snapshot field, declare it on the {@link MetricSet} and add its
 * points: a few lines in {@link #produce}.
 *
 * <p>Thread-safe, as the SDK requires of a {@link MetricProducer}: it keeps no mutable state, so
 * concurrent collections are safe as long as the snapshot supplier is.
 */
final class OtlpMetricProducer implements MetricProducer {
    static final AttributeKey<String> SYSTEM_DEVICE = AttributeKey.stringKey("system.device");
    static final AttributeKey<String> DISK_IO_DIRECTION = AttributeKey.stringKey("disk.io.direction");
    static final AttributeKey<String> FILESYSTEM_TYPE = AttributeKey.stringKey("system.filesystem.type");

    private final Supplier<NodeSnapshot> snapshots;
    private final long startEpochNanos;
    private final Clock clock;
    private final InstrumentationScopeInfo scope;

    /**
     * @param snapshots       one consistent read of the kernel aggregates, called per collection
     * @param startEpochNanos when the counters started (the kernel programs were attached)
     */
    OtlpMetricProducer(Supplier<NodeSnapshot> snapshots, long startEpochNanos, Clock clock) {
        this.snapshots = Objects.requireNonNull(snapshots, "snapshots");
        this.startEpochNanos = startEpochNanos;
        this.clock = Objects.requireNonNull(clock, "clock");
        this.scope = InstrumentationScopeInfo.builder("dev.ioguard.exporter")
                .setVersion(OtlpConfig.version()).build();
    }

    @Override
    public Collection<MetricData> produce(Resource resource) {
        NodeSnapshot snapshot = snapshots.get();
        MetricSet set = new MetricSet(resource, scope, startEpochNanos, clock.now());

        MetricSet.LongPoints operations = set.counter("system.disk.operations", "{operation}",
                "Completed block requests, as /proc/diskstats counts them.");
        MetricSet.LongPoints bytes = set.counter("system.disk.io", "By",
                "Bytes of completed block requests.");
        MetricSet.HistogramPoints service = set.histogram("ioguard.disk.service.duration",
                HistogramUnit.SECONDS,
                "Block request service time: issue to the device until completion.");
        for (DiskIo d : snapshot.disks()) {
            Attributes a = Attributes.of(SYSTEM_DEVICE, d.device().name(),
                    DISK_IO_DIRECTION, d.direction().label());
            operations.add(a, d.operations());
            bytes.add(a, d.bytes());
            service.add(a, d.service());
        }

        MetricSet.LongPoints fsErrors = set.counter("ioguard.filesystem.errors", "{error}",
                "Filesystem errors reported by the kernel (ext4_error).");
        for (FilesystemErrors f : snapshot.filesystemErrors()) {
            fsErrors.add(Attributes.of(SYSTEM_DEVICE, f.device().name(),
                    FILESYSTEM_TYPE, f.fsType()), f.errors());
        }
        return set.build();
    }
}
