package dev.ioguard.exporter.testsupport;

import dev.ioguard.exporter.histogram.Histogram;
import dev.ioguard.exporter.histogram.LogLinearBuckets;

/** Kernel histograms for model and sink tests, bucketed as the kernel buckets (hist_slot's twin). */
public final class Histograms {
    private Histograms() {}

    /** Seconds in kernel duration units (2^-30 s). */
    public static long units(double seconds) {
        return Math.round(Math.scalb(seconds, 30));
    }

    /** A histogram of these durations. */
    public static Histogram durations(double... seconds) {
        long[] values = new long[seconds.length];
        for (int i = 0; i < seconds.length; i++) {
            values[i] = units(seconds[i]);
        }
        return values(values);
    }

    /** A histogram of these values in their own unit (kernel duration units, bytes, requests). */
    public static Histogram values(long... values) {
        long[] slots = new long[LogLinearBuckets.SLOTS];
        long sum = 0;
        for (long v : values) {
            slots[LogLinearBuckets.slotOf(v)]++;
            sum += v;
        }
        return Histogram.of(slots, sum);
    }
}
