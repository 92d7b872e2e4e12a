package dev.ioguard.exporter.otlp;

import dev.ioguard.exporter.histogram.Histogram;
import dev.ioguard.exporter.histogram.HistogramUnit;
import dev.ioguard.exporter.histogram.LogLinearBuckets;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.metrics.data.ExponentialHistogramBuckets;
import io.opentelemetry.sdk.metrics.data.ExponentialHistogramPointData;
import java.util.ArrayList;
import java.util.List;

/**
 * One kernel histogram as an OpenTelemetry exponential histogram point at scale 3, without
 * re-bucketing: kernel slot {@code s >= 1} is bucket index
 * {@code LogLinearBuckets.otelIndex(s) + unit.indexOffset()}, slot 0 is the zero count, and sum and
 * count are those the Prometheus sink reports. Stateless.
 */
final class ExponentialHistograms {
    private static final ExponentialHistogramBuckets NO_BUCKETS =
            ExponentialHistogramBuckets.create(LogLinearBuckets.SCALE, 0, List.of());

    private ExponentialHistograms() {}

    static ExponentialHistogramPointData point(Histogram h, HistogramUnit unit,
            Attributes attributes, long startEpochNanos, long epochNanos) {
        int first = -1;
        int last = -1;
        for (int slot = 1; slot < LogLinearBuckets.SLOTS; slot++) {
            if (h.slot(slot) > 0) {
                if (first < 0) {
                    first = slot;
                }
                last = slot;
            }
        }
        ExponentialHistogramBuckets positive = NO_BUCKETS;
        if (first > 0) {
            List<Long> counts = new ArrayList<>(last - first + 1);
            for (int slot = first; slot <= last; slot++) {
                counts.add(h.slot(slot));
            }
            positive = ExponentialHistogramBuckets.create(LogLinearBuckets.SCALE,
                    LogLinearBuckets.otelIndex(first) + unit.indexOffset(), counts);
        }
        return ExponentialHistogramPointData.create(LogLinearBuckets.SCALE,
                unit.sumToBase(h.sum()), h.zeroCount(), false, 0, false, 0, positive, NO_BUCKETS,
                startEpochNanos, epochNanos, attributes, List.of());
    }
}
