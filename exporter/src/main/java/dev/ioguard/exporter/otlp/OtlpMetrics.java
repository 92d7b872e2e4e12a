package dev.ioguard.exporter.otlp;

import dev.ioguard.exporter.snapshot.NodeSnapshot;
import io.opentelemetry.sdk.common.Clock;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.export.PeriodicMetricReader;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The OTLP metrics push: an SDK meter provider whose {@link PeriodicMetricReader} collects the
 * kernel snapshot through {@link OtlpMetricProducer} every {@code OTEL_METRIC_EXPORT_INTERVAL} and
 * hands it to one OTLP exporter (the SDK never runs that exporter concurrently). Export failures
 * are logged by the SDK and counted ({@link #exportsFailed()}); counters are cumulative, so the
 * next export makes up for a lost one.
 *
 * <p>{@link #forceFlush} and {@link #close()} may be called from any thread; close is idempotent
 * and exports once more before it returns (bounded by the metric export timeout).
 */
public final class OtlpMetrics implements AutoCloseable {
    private final SdkMeterProvider provider;
    private final Duration timeout;
    private final CountingMetricExporter exporter;

    private OtlpMetrics(SdkMeterProvider provider, Duration timeout,
            CountingMetricExporter exporter) {
        this.provider = provider;
        this.timeout = timeout;
        this.exporter = exporter;
    }

    /**
     * Starts periodic export when the configuration exports metrics. Counters are reported as
     * cumulative since now: call this once the kernel programs are attached.
     */
    public static Optional<OtlpMetrics> start(OtlpConfig config, Supplier<NodeSnapshot> snapshots) {
        return config.metrics().map(settings -> {
            CountingMetricExporter exporter =
                    new CountingMetricExporter(OtlpExporters.metrics(settings));
            PeriodicMetricReader reader = PeriodicMetricReader.builder(exporter)
                    .setInterval(config.metricInterval())
                    .setExporterTimeout(config.metricTimeout())
                    .build();
            SdkMeterProvider provider = SdkMeterProvider.builder()
                    .setResource(config.resource())
                    .registerMetricReader(reader)
                    .registerMetricProducer(new OtlpMetricProducer(snapshots,
                            Clock.getDefault().now(), Clock.getDefault()))
                    .build();
            return new OtlpMetrics(provider, config.metricTimeout(), exporter);
        });
    }

    /** Collects and exports now; true when the export succeeded within the metric export timeout. */
    public boolean forceFlush() {
        CompletableResultCode r = provider.forceFlush().join(timeout.toMillis(), TimeUnit.MILLISECONDS);
        return r.isSuccess();
    }

    /**
     * Metric exports that failed since start: the collector refused them or could not be reached
     * within the export timeout, after the OTLP exporter's own retries. Any thread.
     */
    public long exportsFailed() {
        return exporter.failed();
    }

    @Override
    public void close() {
        provider.shutdown().join(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }
}
