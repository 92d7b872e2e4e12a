package dev.ioguard.exporter.prometheus;

import dev.ioguard.exporter.histogram.Histogram;
import dev.ioguard.exporter.histogram.HistogramUnit;
import dev.ioguard.exporter.snapshot.DiskErrors;
import dev.ioguard.exporter.snapshot.DiskInflight;
import dev.ioguard.exporter.snapshot.DiskIo;
import dev.ioguard.exporter.snapshot.NodeSnapshot;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot.HistogramDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricMetadata;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.Unit;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The kernel metrics of the public contract (DESIGN.md, "Names"), translated from one
 * {@link NodeSnapshot} per scrape. A histogram series appears once it has a sample (a stage a
 * device does not have, such as the request stages of zram, never does). {@link #collect()} runs
 * on the scraping thread, once per scrape; safe for concurrent scrapes if the supplier is.
 */
public final class KernelMetrics implements MultiCollector {
    private final Supplier<NodeSnapshot> snapshots;

    public KernelMetrics(Supplier<NodeSnapshot> snapshots) {
        this.snapshots = snapshots;
    }

    /** One histogram metric of DiskIo: its name, help, unit and classic bounds. */
    private record DiskHistogram(String name, String help, Unit unit, HistogramUnit kernelUnit,
            int[] classicExponents, Function<DiskIo, Histogram> field) {}

    private static final List<DiskHistogram> HISTOGRAMS = List.of(
            new DiskHistogram("ioguard_disk_request_duration_seconds",
                    "Block IO total time: bio submitted (before blk-throttle; fentry, where the kernel"
                            + " allows it) or queued (after blk-throttle) until completed; /healthz says which.",
                    Unit.SECONDS, HistogramUnit.SECONDS, PrometheusHistograms.SECONDS_EXPONENTS,
                    DiskIo::total),
            new DiskHistogram("ioguard_disk_queue_duration_seconds",
                    "Block request time in the IO scheduler: insert until issue (0 when issued directly).",
                    Unit.SECONDS, HistogramUnit.SECONDS, PrometheusHistograms.SECONDS_EXPONENTS,
                    DiskIo::queue),
            new DiskHistogram("ioguard_disk_service_duration_seconds",
                    "Block request service time: issue to the device until completion.",
                    Unit.SECONDS, HistogramUnit.SECONDS, PrometheusHistograms.SECONDS_EXPONENTS,
                    DiskIo::service),
            new DiskHistogram("ioguard_disk_request_size_bytes",
                    "Block request size (bio size on bio-based devices).",
                    Unit.BYTES, HistogramUnit.BYTES, PrometheusHistograms.BYTES_EXPONENTS,
                    DiskIo::size),
            new DiskHistogram("ioguard_disk_queue_depth",
                    "Requests in flight on the disk at each issue, that one included.",
                    null, HistogramUnit.REQUESTS, PrometheusHistograms.DEPTH_EXPONENTS,
                    DiskIo::depth));

    @Override
    public MetricSnapshots collect() {
        NodeSnapshot snapshot = snapshots.get();
        MetricSnapshots.Builder out = MetricSnapshots.builder();
        List<CounterDataPointSnapshot> ops = new ArrayList<>();
        List<CounterDataPointSnapshot> bytes = new ArrayList<>();
        for (DiskIo d : snapshot.disks()) {
            Labels labels = diskLabels(d);
            ops.add(counter(d.operations(), labels));
            bytes.add(counter(d.bytes(), labels));
        }
        out.metricSnapshot(new CounterSnapshot(new MetricMetadata("system_disk_operations",
                "Completed block IOs, counted where /proc/diskstats counts them."), ops));
        out.metricSnapshot(new CounterSnapshot(new MetricMetadata("system_disk_io_bytes",
                "Bytes of completed block IOs.", Unit.BYTES), bytes));
        for (DiskHistogram h : HISTOGRAMS) {
            List<HistogramDataPointSnapshot> points = new ArrayList<>();
            for (DiskIo d : snapshot.disks()) {
                Histogram values = h.field().apply(d);
                if (values.count() > 0) {
                    points.add(PrometheusHistograms.dataPoint(values, h.kernelUnit(),
                            h.classicExponents(), diskLabels(d)));
                }
            }
            out.metricSnapshot(new HistogramSnapshot(h.unit() == null
                    ? new MetricMetadata(h.name(), h.help())
                    : new MetricMetadata(h.name(), h.help(), h.unit()), points));
        }
        List<GaugeDataPointSnapshot> inflight = new ArrayList<>();
        for (DiskInflight i : snapshot.inflight()) {
            inflight.add(new GaugeDataPointSnapshot(i.requests(),
                    Labels.of("system_device", i.device().name()), null));
        }
        out.metricSnapshot(new GaugeSnapshot(new MetricMetadata("ioguard_disk_inflight_requests",
                "Block requests issued to the disk and not completed."), inflight));
        List<CounterDataPointSnapshot> errors = new ArrayList<>();
        for (DiskErrors e : snapshot.diskErrors()) {
            errors.add(counter(e.count(), Labels.of("system_device", e.device().name(),
                    "disk_io_direction", e.direction().label(), "error_type", e.errorType())));
        }
        out.metricSnapshot(new CounterSnapshot(new MetricMetadata("ioguard_disk_request_errors",
                "Failed block requests by block status (error_type not_supported is routine)."),
                errors));
        FilesystemMetrics.of(snapshot.filesystems()).forEach(out::metricSnapshot);
        return out.build();
    }

    private static Labels diskLabels(DiskIo d) {
        return Labels.of("system_device", d.device().name(), "disk_io_direction",
                d.direction().label());
    }

    private static CounterDataPointSnapshot counter(long value, Labels labels) {
        return new CounterDataPointSnapshot(value, labels, null, 0L);
    }
}
