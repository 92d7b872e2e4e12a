package dev.ioguard.exporter.otlp;

import dev.ioguard.exporter.Version;
import dev.ioguard.exporter.histogram.Histogram;
import dev.ioguard.exporter.histogram.HistogramUnit;
import dev.ioguard.exporter.snapshot.DiskErrors;
import dev.ioguard.exporter.snapshot.DiskInflight;
import dev.ioguard.exporter.snapshot.DiskIo;
import dev.ioguard.exporter.snapshot.FilesystemCount;
import dev.ioguard.exporter.snapshot.FilesystemHealth;
import dev.ioguard.exporter.snapshot.MountReadOnly;
import dev.ioguard.exporter.snapshot.NodeSnapshot;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.common.Clock;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.export.MetricProducer;
import io.opentelemetry.sdk.resources.Resource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The kernel metrics of the public contract (DESIGN.md, "Names"; the OpenTelemetry column),
 * translated from one {@link NodeSnapshot} per collection, exactly as {@code KernelMetrics} does
 * for Prometheus: the same series (a histogram without samples, such as a stage the device does
 * not have, has no point in either sink), the same values, and descriptions equal to the
 * Prometheus help. To export a new snapshot field, declare it on the {@link MetricSet} and add its
 * points: a few lines in {@link #produce}.
 *
 * <p>Thread-safe, as the SDK requires of a {@link MetricProducer}: it keeps no mutable state, so
 * concurrent collections are safe as long as the snapshot supplier is.
 */
final class OtlpMetricProducer implements MetricProducer {
    static final AttributeKey<String> SYSTEM_DEVICE = AttributeKey.stringKey("system.device");
    static final AttributeKey<String> DISK_IO_DIRECTION = AttributeKey.stringKey("disk.io.direction");
    static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");
    static final AttributeKey<String> FILESYSTEM_TYPE = AttributeKey.stringKey("system.filesystem.type");
    static final AttributeKey<String> FILESYSTEM_MOUNTPOINT =
            AttributeKey.stringKey("system.filesystem.mountpoint");
    static final AttributeKey<String> CAUSE = AttributeKey.stringKey("cause");

    /** One histogram of {@link DiskIo}: its name, kernel unit and description. */
    private record DiskHistogram(String name, HistogramUnit unit, String description,
            Function<DiskIo, Histogram> field) {}

    /** In the order of the Prometheus sink; descriptions are its help texts. */
    private static final List<DiskHistogram> HISTOGRAMS = List.of(
            new DiskHistogram("ioguard.disk.request.duration", HistogramUnit.SECONDS,
                    "Block IO total time: bio submitted (before blk-throttle; fentry, where the kernel"
                            + " allows it) or queued (after blk-throttle) until completed; /healthz says which.",
                    DiskIo::total),
            new DiskHistogram("ioguard.disk.queue.duration", HistogramUnit.SECONDS,
                    "Block request time in the IO scheduler: insert until issue (0 when issued directly).",
                    DiskIo::queue),
            new DiskHistogram("ioguard.disk.service.duration", HistogramUnit.SECONDS,
                    "Block request service time: issue to the device until completion.",
                    DiskIo::service),
            new DiskHistogram("ioguard.disk.request.size", HistogramUnit.BYTES,
                    "Block request size (bio size on bio-based devices).",
                    DiskIo::size),
            new DiskHistogram("ioguard.disk.queue.depth", HistogramUnit.REQUESTS,
                    "Requests in flight on the disk at each issue, that one included.",
                    DiskIo::depth));

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
                .setVersion(Version.current()).build();
    }

    @Override
    public Collection<MetricData> produce(Resource resource) {
        NodeSnapshot snapshot = snapshots.get();
        MetricSet set = new MetricSet(resource, scope, startEpochNanos, clock.now());
        disks(set, snapshot);
        filesystems(set, snapshot);
        return set.build();
    }

    private static void disks(MetricSet set, NodeSnapshot snapshot) {
        MetricSet.LongPoints operations = set.counter("system.disk.operations", "{operation}",
                "Completed block IOs, counted where /proc/diskstats counts them.");
        MetricSet.LongPoints bytes = set.counter("system.disk.io", "By",
                "Bytes of completed block IOs.");
        List<MetricSet.HistogramPoints> histograms = new ArrayList<>(HISTOGRAMS.size());
        for (DiskHistogram h : HISTOGRAMS) {
            histograms.add(set.histogram(h.name(), h.unit(), h.description()));
        }
        for (DiskIo d : snapshot.disks()) {
            Attributes a = Attributes.of(SYSTEM_DEVICE, d.device().name(),
                    DISK_IO_DIRECTION, d.direction().label());
            operations.add(a, d.operations());
            bytes.add(a, d.bytes());
            for (int i = 0; i < HISTOGRAMS.size(); i++) {
                histograms.get(i).add(a, HISTOGRAMS.get(i).field().apply(d));
            }
        }

        MetricSet.LongPoints inflight = set.gauge("ioguard.disk.inflight", "{request}",
                "Block requests issued to the disk and not completed.");
        for (DiskInflight i : snapshot.inflight()) {
            inflight.add(Attributes.of(SYSTEM_DEVICE, i.device().name()), i.requests());
        }

        MetricSet.LongPoints errors = set.counter("ioguard.disk.request.errors", "{error}",
                "Failed block requests by block status (error.type not_supported is routine).");
        for (DiskErrors e : snapshot.diskErrors()) {
            errors.add(Attributes.of(SYSTEM_DEVICE, e.device().name(),
                    DISK_IO_DIRECTION, e.direction().label(), ERROR_TYPE, e.errorType()), e.count());
        }
    }

    /** Names, units and descriptions mirror prometheus/FilesystemMetrics (parity-tested). */
    private static void filesystems(MetricSet set, NodeSnapshot snapshot) {
        FilesystemHealth health = snapshot.filesystems();
        MetricSet.LongPoints readOnly = set.gauge("ioguard.filesystem.readonly", "1",
                "1 when writes through the mount fail: a ro mount or superblock, ext4 "
                        + "emergency_ro or shutdown, a shut-down xfs, or an overlay whose upper "
                        + "directory lies on one; else 0.");
        for (MountReadOnly m : health.readOnly()) {
            readOnly.add(Attributes.of(SYSTEM_DEVICE, m.device(), FILESYSTEM_MOUNTPOINT,
                    m.mountPoint(), FILESYSTEM_TYPE, m.fsType()), m.readOnly() ? 1 : 0);
        }
        counts(set.counter("ioguard.filesystem.errors", "{error}", "Filesystem errors the kernel "
                + "reported (ext4_error, and errors only ext4's errors_count shows), per mount point."),
                health.errors());
        counts(set.counter("ioguard.filesystem.shutdowns", "{shutdown}", "Filesystem shutdowns "
                + "(xfs force shutdown, ext4 shutdown), per mount point and cause."), health.shutdowns());
        counts(set.counter("ioguard.filesystem.remounts", "{remount}", "Transitions to read-only, "
                + "per mount point and cause (fs_error, shutdown, admin, unknown)."), health.remounts());
    }

    private static void counts(MetricSet.LongPoints points, List<FilesystemCount> counts) {
        for (FilesystemCount c : counts) {
            points.add(Attributes.of(SYSTEM_DEVICE, c.device(), FILESYSTEM_MOUNTPOINT, c.mountPoint(),
                    FILESYSTEM_TYPE, c.fsType(), CAUSE, c.cause()), c.count());
        }
    }
}
