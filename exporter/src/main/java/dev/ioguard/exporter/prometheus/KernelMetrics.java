package dev.ioguard.exporter.prometheus;

import dev.ioguard.exporter.histogram.HistogramUnit;
import dev.ioguard.exporter.snapshot.DiskIo;
import dev.ioguard.exporter.snapshot.NodeSnapshot;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot.HistogramDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricMetadata;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.Unit;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The kernel metrics of the public contract (DESIGN.md, "Names"), translated from one
 * {@link NodeSnapshot} per scrape. {@link #collect()} runs on the scraping thread, once per scrape;
 * it is safe for concurrent scrapes as long as the snapshot supplier is.
 */
public final class KernelMetrics implements MultiCollector {
    private final Supplier<NodeSnapshot> snapshots;

    public KernelMetrics(Supplier<NodeSnapshot> snapshots) {
        this.snapshots = snapshots;
    }

    @Override
    public MetricSnapshots collect() {
        NodeSnapshot snapshot = snapshots.get();
        List<CounterDataPointSnapshot> ops = new ArrayList<>();
        List<CounterDataPointSnapshot> bytes = new ArrayList<>();
        List<HistogramDataPointSnapshot> service = new ArrayList<>();
        for (DiskIo d : snapshot.disks()) {
            Labels labels = Labels.of("system_device", d.device().name(),
                    "disk_io_direction", d.direction().label());
            ops.add(counter(d.operations(), labels));
            bytes.add(counter(d.bytes(), labels));
            service.add(PrometheusHistograms.dataPoint(d.service(), HistogramUnit.SECONDS,
                    PrometheusHistograms.SECONDS_EXPONENTS, labels));
        }
        List<MetricSnapshot> metrics = new ArrayList<>(List.of(
                new CounterSnapshot(new MetricMetadata("system_disk_operations",
                        "Completed block requests, as /proc/diskstats counts them."), ops),
                new CounterSnapshot(new MetricMetadata("system_disk_io_bytes",
                        "Bytes of completed block requests.", Unit.BYTES), bytes),
                new HistogramSnapshot(new MetricMetadata("ioguard_disk_service_duration_seconds",
                        "Block request service time: issue to the device until completion.",
                        Unit.SECONDS), service)));
        metrics.addAll(FilesystemMetrics.of(snapshot.filesystems()));
        return new MetricSnapshots(metrics);
    }

    private static CounterDataPointSnapshot counter(long value, Labels labels) {
        return new CounterDataPointSnapshot(value, labels, null, 0L);
    }
}
