package dev.ioguard.exporter.prometheus;

import dev.ioguard.exporter.histogram.Histogram;
import dev.ioguard.exporter.histogram.HistogramUnit;
import dev.ioguard.exporter.histogram.LogLinearBuckets;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.Exemplars;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot.HistogramDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.NativeHistogramBuckets;
import java.util.ArrayList;
import java.util.List;

/**
 * One kernel histogram as a Prometheus data point carrying both representations: classic
 * {@code le} buckets for the text format and native buckets (schema 3) for protobuf scrapes. The
 * classic bounds are powers of two of the base unit, which are kernel bucket boundaries, so both
 * come from the same counts without interpolation. Stateless.
 */
final class PrometheusHistograms {
    /** Classic bounds for durations: 2^-16 s (15 µs) to 2^2 s (4 s), one per octave. */
    static final int[] SECONDS_EXPONENTS = range(-16, 2);
    /** Classic bounds for sizes: 512 B to 4 MiB. */
    static final int[] BYTES_EXPONENTS = range(9, 22);
    /** Classic bounds for queue depth: 1 to 256 requests. */
    static final int[] DEPTH_EXPONENTS = range(0, 8);

    private PrometheusHistograms() {}

    static HistogramDataPointSnapshot dataPoint(Histogram h, HistogramUnit unit,
            int[] baseExponents, Labels labels) {
        int[] kernelExponents = new int[baseExponents.length];
        double[] bounds = new double[baseExponents.length + 1];
        for (int i = 0; i < baseExponents.length; i++) {
            kernelExponents[i] = unit.kernelExponent(baseExponents[i]);
            bounds[i] = Math.scalb(1.0, baseExponents[i]);
        }
        bounds[baseExponents.length] = Double.POSITIVE_INFINITY;
        ClassicHistogramBuckets classic =
                ClassicHistogramBuckets.of(bounds, h.classicCounts(kernelExponents));

        List<Integer> indexes = new ArrayList<>();
        List<Long> counts = new ArrayList<>();
        for (int slot = 1; slot < LogLinearBuckets.SLOTS; slot++) {
            long n = h.slot(slot);
            if (n > 0) {
                indexes.add(LogLinearBuckets.prometheusIndex(slot) + unit.indexOffset());
                counts.add(n);
            }
        }
        return new HistogramDataPointSnapshot(classic, LogLinearBuckets.SCALE, h.zeroCount(), 0.0,
                NativeHistogramBuckets.of(indexes, counts), NativeHistogramBuckets.EMPTY,
                unit.sumToBase(h.sum()), labels, Exemplars.EMPTY, 0L);
    }

    private static int[] range(int from, int to) {
        int[] r = new int[to - from + 1];
        for (int i = 0; i < r.length; i++) {
            r[i] = from + i;
        }
        return r;
    }
}
