package dev.ioguard.exporter.histogram;

import java.util.Arrays;

/**
 * One kernel histogram read at one instant: per-slot counts (see {@link LogLinearBuckets}) and the
 * exact sum of recorded values, both in the recorded unit (nanoseconds, bytes, requests).
 * Immutable; the slot array is copied in and never handed out.
 */
public final class Histogram {
    private static final Histogram EMPTY = new Histogram(new long[LogLinearBuckets.SLOTS], 0);

    private final long[] slots;
    private final long sum;
    private final long count;

    private Histogram(long[] slots, long sum) {
        this.slots = slots;
        this.sum = sum;
        long c = 0;
        for (long n : slots) {
            c += n;
        }
        this.count = c;
    }

    /** A histogram from slot counts; rejects a wrong slot count and negative counts. */
    public static Histogram of(long[] slots, long sum) {
        if (slots.length != LogLinearBuckets.SLOTS) {
            throw new IllegalArgumentException(
                    "expected " + LogLinearBuckets.SLOTS + " slots, got " + slots.length);
        }
        for (long n : slots) {
            if (n < 0) {
                throw new IllegalArgumentException("negative bucket count " + n);
            }
        }
        return new Histogram(slots.clone(), sum);
    }

    public static Histogram empty() {
        return EMPTY;
    }

    /** Number of recorded values. */
    public long count() {
        return count;
    }

    /** Sum of recorded values (unsigned 64-bit in the kernel; wraps only after ~584 years of ns). */
    public long sum() {
        return sum;
    }

    public long slot(int slot) {
        return slots[slot];
    }

    /** Values recorded as exactly zero. */
    public long zeroCount() {
        return slots[0];
    }

    /** Slot-wise sum: used to roll partitions up into their disk. */
    public Histogram plus(Histogram other) {
        long[] merged = slots.clone();
        for (int i = 0; i < merged.length; i++) {
            merged[i] += other.slots[i];
        }
        return new Histogram(merged, sum + other.sum);
    }

    /**
     * Cumulative-free counts for classic buckets whose upper bounds are {@code 2^exponents[i]}
     * (ascending), plus a final +Inf bucket: exact, because every such bound is a slot boundary.
     */
    public long[] classicCounts(int[] exponents) {
        long[] counts = new long[exponents.length + 1];
        int slot = 0;
        for (int b = 0; b < exponents.length; b++) {
            int last = LogLinearBuckets.lastSlotAtMostPowerOfTwo(exponents[b]);
            for (; slot <= last; slot++) {
                counts[b] += slots[slot];
            }
        }
        for (; slot < slots.length; slot++) {
            counts[exponents.length] += slots[slot];
        }
        return counts;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Histogram h && h.sum == sum && Arrays.equals(h.slots, slots);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(slots) * 31 + Long.hashCode(sum);
    }

    @Override
    public String toString() {
        return "Histogram[count=" + count + ", sum=" + sum + "]";
    }
}
