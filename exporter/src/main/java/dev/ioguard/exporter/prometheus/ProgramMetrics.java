package dev.ioguard.exporter.prometheus;

import dev.ioguard.exporter.snapshot.ProgramRun;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricMetadata;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.Unit;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The cost and the blind spots of ioguard's own BPF programs, per hook: recursion misses always
 * (an event a program never saw is a loss, and losses are never silent), run count and run time
 * only while the kernel keeps them ({@code sysctl kernel.bpf_stats_enabled=1}, which itself costs
 * ~20 ns per run). Runs once per scrape on the scraping thread.
 */
public final class ProgramMetrics implements MultiCollector {
    private final Supplier<List<ProgramRun>> runs;
    private final BooleanSupplier statsEnabled;

    public ProgramMetrics(Supplier<List<ProgramRun>> runs, BooleanSupplier statsEnabled) {
        this.runs = runs;
        this.statsEnabled = statsEnabled;
    }

    @Override
    public MetricSnapshots collect() {
        List<CounterDataPointSnapshot> misses = new ArrayList<>();
        List<CounterDataPointSnapshot> count = new ArrayList<>();
        List<CounterDataPointSnapshot> time = new ArrayList<>();
        boolean enabled = statsEnabled.getAsBoolean();
        for (ProgramRun r : runs.get()) {
            Labels labels = Labels.of("hook", r.hook(), "purpose", r.purpose());
            misses.add(new CounterDataPointSnapshot(r.recursionMisses(), labels, null, 0L));
            if (enabled) {
                count.add(new CounterDataPointSnapshot(r.runCount(), labels, null, 0L));
                time.add(new CounterDataPointSnapshot(r.runTimeNs() / 1e9, labels, null, 0L));
            }
        }
        MetricSnapshots.Builder out = MetricSnapshots.builder().metricSnapshot(new CounterSnapshot(
                new MetricMetadata("ioguard_bpf_program_misses",
                        "Events a program did not see because it was already running on that CPU."),
                misses));
        if (enabled) {
            out.metricSnapshot(new CounterSnapshot(new MetricMetadata("ioguard_bpf_program_runs",
                    "Program runs while kernel.bpf_stats_enabled=1."), count));
            out.metricSnapshot(new CounterSnapshot(new MetricMetadata(
                    "ioguard_bpf_program_run_seconds",
                    "Time spent in the program while kernel.bpf_stats_enabled=1.", Unit.SECONDS), time));
        }
        return out.build();
    }
}
