package dev.ioguard.exporter.otlp;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.common.export.MemoryMode;
import io.opentelemetry.sdk.metrics.Aggregation;
import io.opentelemetry.sdk.metrics.InstrumentType;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.export.MetricExporter;
import java.util.Collection;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link MetricExporter} that counts the exports whose result failed (after the OTLP exporter's
 * own retries) and otherwise is the exporter it wraps: temporality, default aggregation and memory
 * mode are the delegate's. Only the public {@link CompletableResultCode} is observed. Thread-safe:
 * the counter may be read from any thread while the reader exports.
 */
final class CountingMetricExporter implements MetricExporter {
    private final MetricExporter delegate;
    private final AtomicLong failed = new AtomicLong();

    CountingMetricExporter(MetricExporter delegate) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
    }

    /** Exports whose result completed as a failure, or that threw. */
    long failed() {
        return failed.get();
    }

    @Override
    public CompletableResultCode export(Collection<MetricData> metrics) {
        CompletableResultCode result;
        try {
            result = delegate.export(metrics);
        } catch (RuntimeException e) {
            failed.incrementAndGet();
            throw e;
        }
        result.whenComplete(() -> {
            if (!result.isSuccess()) {
                failed.incrementAndGet();
            }
        });
        return result;
    }

    @Override
    public AggregationTemporality getAggregationTemporality(InstrumentType instrumentType) {
        return delegate.getAggregationTemporality(instrumentType);
    }

    @Override
    public Aggregation getDefaultAggregation(InstrumentType instrumentType) {
        return delegate.getDefaultAggregation(instrumentType);
    }

    @Override
    public MemoryMode getMemoryMode() {
        return delegate.getMemoryMode();
    }

    @Override
    public CompletableResultCode flush() {
        return delegate.flush();
    }

    @Override
    public CompletableResultCode shutdown() {
        return delegate.shutdown();
    }

    @Override
    public String toString() {
        return "CountingMetricExporter{" + delegate + "}";
    }
}
