package dev.ioguard.exporter.otlp;

import dev.ioguard.exporter.histogram.Histogram;
import dev.ioguard.exporter.histogram.HistogramUnit;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.ExponentialHistogramData;
import io.opentelemetry.sdk.metrics.data.ExponentialHistogramPointData;
import io.opentelemetry.sdk.metrics.data.GaugeData;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.data.MetricDataType;
import io.opentelemetry.sdk.metrics.data.SumData;
import io.opentelemetry.sdk.resources.Resource;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The metrics of one collection, built point by point: declare a metric ({@link #counter},
 * {@link #gauge}, {@link #histogram}), add one point per attribute set, then {@link #build()}.
 * A metric without points is left out; so is a histogram point without samples.
 * Counters and histograms are cumulative since {@code startEpochNanos} (when the kernel programs
 * were attached); every point carries the same collection time. Not thread-safe: one per
 * collection.
 */
final class MetricSet {
    private final Resource resource;
    private final InstrumentationScopeInfo scope;
    private final long startEpochNanos;
    private final long epochNanos;
    private final List<Supplier<MetricData>> metrics = new ArrayList<>();

    MetricSet(Resource resource, InstrumentationScopeInfo scope, long startEpochNanos,
            long epochNanos) {
        this.resource = resource;
        this.scope = scope;
        this.startEpochNanos = startEpochNanos;
        this.epochNanos = epochNanos;
    }

    /** A monotonic cumulative sum of whole numbers. */
    LongPoints counter(String name, String unit, String description) {
        LongPoints points = new LongPoints();
        metrics.add(() -> points.points.isEmpty() ? null : metric(name, description, unit,
                MetricDataType.LONG_SUM, SumData.createLongSumData(true,
                        AggregationTemporality.CUMULATIVE, points.points)));
        return points;
    }

    /** A value sampled at collection time. */
    LongPoints gauge(String name, String unit, String description) {
        LongPoints points = new LongPoints();
        metrics.add(() -> points.points.isEmpty() ? null : metric(name, description, unit,
                MetricDataType.LONG_GAUGE, GaugeData.createLongGaugeData(points.points)));
        return points;
    }

    /** An exponential histogram (scale 3) of kernel histograms recorded in {@code unit}. */
    HistogramPoints histogram(String name, HistogramUnit unit, String description) {
        HistogramPoints points = new HistogramPoints(unit);
        metrics.add(() -> points.points.isEmpty() ? null : metric(name, description, unit(unit),
                MetricDataType.EXPONENTIAL_HISTOGRAM, ExponentialHistogramData.create(
                        AggregationTemporality.CUMULATIVE, points.points)));
        return points;
    }

    /** The declared metrics that got at least one point, in declaration order. */
    List<MetricData> build() {
        List<MetricData> out = new ArrayList<>(metrics.size());
        for (Supplier<MetricData> m : metrics) {
            MetricData data = m.get();
            if (data != null) {
                out.add(data);
            }
        }
        return out;
    }

    /** UCUM units as OpenTelemetry semantic conventions write them. */
    static String unit(HistogramUnit unit) {
        return switch (unit) {
            case SECONDS -> "s";
            case BYTES -> "By";
            case REQUESTS -> "{request}";
        };
    }

    private MetricData metric(String name, String description, String unit, MetricDataType type,
            io.opentelemetry.sdk.metrics.data.Data<?> data) {
        return new SnapshotMetric(resource, scope, name, description, unit, type, data);
    }

    final class LongPoints {
        private final List<LongPointData> points = new ArrayList<>();

        void add(Attributes attributes, long value) {
            points.add(LongPointData.create(startEpochNanos, epochNanos, attributes, value));
        }
    }

    final class HistogramPoints {
        private final HistogramUnit unit;
        private final List<ExponentialHistogramPointData> points = new ArrayList<>();

        private HistogramPoints(HistogramUnit unit) {
            this.unit = unit;
        }

        /**
         * Adds the histogram's point, unless it has no samples: a stage the device does not have
         * (zram has no request stage) gets no point, exactly as it gets no Prometheus series.
         */
        void add(Attributes attributes, Histogram histogram) {
            if (histogram.count() == 0) {
                return;
            }
            points.add(ExponentialHistograms.point(histogram, unit, attributes, startEpochNanos,
                    epochNanos));
        }
    }
}
