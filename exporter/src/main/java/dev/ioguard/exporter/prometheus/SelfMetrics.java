package dev.ioguard.exporter.prometheus;

import dev.ioguard.exporter.hooks.Hook;
import dev.ioguard.exporter.snapshot.SelfSnapshot;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricMetadata;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * ioguard's own metrics: which hooks are live, and every event or request it could not deliver or
 * account, so that nothing is lost silently. Runs once per scrape on the scraping thread.
 */
public final class SelfMetrics implements MultiCollector {
    private final Supplier<SelfSnapshot> snapshots;

    public SelfMetrics(Supplier<SelfSnapshot> snapshots) {
        this.snapshots = snapshots;
    }

    @Override
    public MetricSnapshots collect() {
        SelfSnapshot s = snapshots.get();
        List<GaugeDataPointSnapshot> hooks = new ArrayList<>();
        for (Hook h : s.hooks()) {
            hooks.add(new GaugeDataPointSnapshot(h.state() == Hook.State.LIVE ? 1 : 0,
                    Labels.of("hook", h.name(), "purpose", h.purpose(), "state", h.state().label()),
                    null));
        }
        List<CounterDataPointSnapshot> delivered = new ArrayList<>();
        List<CounterDataPointSnapshot> retried = new ArrayList<>();
        List<CounterDataPointSnapshot> dropped = new ArrayList<>();
        dropped.add(counter(s.eventsDroppedInKernel(),
                Labels.of("reason", "kernel_ringbuf_full", "sink", "all")));
        for (SelfSnapshot.SinkCounters sink : s.sinks()) {
            delivered.add(counter(sink.delivered(), Labels.of("sink", sink.sink())));
            retried.add(counter(s.sinkRetries().getOrDefault(sink.sink(), 0L),
                    Labels.of("sink", sink.sink())));
            dropped.add(counter(sink.droppedQueueFull(),
                    Labels.of("reason", "queue_full", "sink", sink.sink())));
            dropped.add(counter(sink.failed(),
                    Labels.of("reason", "export_failed", "sink", sink.sink())));
        }
        List<CounterDataPointSnapshot> unaccounted = new ArrayList<>();
        for (Map.Entry<String, Long> e : s.blockUnaccounted().entrySet()) {
            unaccounted.add(counter(e.getValue(), Labels.of("reason", e.getKey())));
        }
        MetricSnapshots.Builder out = MetricSnapshots.builder()
                .metricSnapshot(new GaugeSnapshot(new MetricMetadata("ioguard_hook_live",
                        "1 when the kernel hook is attached and feeding data, 0 when it failed or "
                                + "a fallback is used on this kernel."), hooks))
                .metricSnapshot(new CounterSnapshot(new MetricMetadata("ioguard_events_received",
                        "Events read from the kernel ring buffers."),
                        List.of(counter(s.eventsReceived(), Labels.EMPTY))))
                .metricSnapshot(new CounterSnapshot(new MetricMetadata("ioguard_events_delivered",
                        "Events delivered, by sink."), delivered))
                .metricSnapshot(new CounterSnapshot(new MetricMetadata("ioguard_events_retried",
                        "Export attempts repeated after a failure, by sink."), retried))
                .metricSnapshot(new CounterSnapshot(new MetricMetadata("ioguard_events_dropped",
                        "Events lost, by reason and sink."), dropped))
                .metricSnapshot(new CounterSnapshot(new MetricMetadata(
                        "ioguard_block_requests_unaccounted",
                        "Block requests the kernel programs could not fully account, by reason."),
                        unaccounted));
        // Only while OTLP metrics are exported.
        s.otlpMetricExportsFailed().ifPresent(failed -> out.metricSnapshot(new CounterSnapshot(
                new MetricMetadata("ioguard_otlp_metric_exports_failed",
                        "OTLP metric exports that failed after the exporter's own retries (values "
                                + "are cumulative: the next export makes up for a lost one)."),
                List.of(counter(failed, Labels.EMPTY)))));
        return out.build();
    }

    private static CounterDataPointSnapshot counter(long value, Labels labels) {
        return new CounterDataPointSnapshot(value, labels, null, 0L);
    }
}
