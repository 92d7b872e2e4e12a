package dev.ioguard.exporter.histogram;

import java.math.BigInteger;

/**
 * The kernel's histogram slots (bpf/histogram.h) as bucket boundaries. Slot 0 holds zero; slot
 * {@code s >= 1} holds values in {@code (2^((s-2)/8), 2^((s-1)/8)]}, so a slot is exactly one
 * OpenTelemetry exponential bucket at scale 3 (index {@code s - 2}) and one Prometheus native
 * histogram bucket of schema 3 (index {@code s - 1}).
 *
 * <p>Scale 3 keeps the relative error of any quantile under 4.4% (half a bucket of width 9%) while a
 * histogram of latencies from 1 µs to 68 s spans ~210 slots. Values are in kernel units; see
 * {@link HistogramUnit} for how they become seconds or bytes without moving a boundary.
 *
 * <p>Stateless; safe for concurrent use.
 */
public final class LogLinearBuckets {
    /** OpenTelemetry scale and Prometheus native schema of every kernel histogram. */
    public static final int SCALE = 3;
    /** Buckets per power of two. */
    public static final int SUB_BUCKETS = 1 << SCALE;
    /** Slots per histogram: zero, then values up to 2^40. Must equal HIST_SLOTS in histogram.h. */
    public static final int SLOTS = 40 * SUB_BUCKETS + 2;

    private LogLinearBuckets() {}

    /** The slot the kernel puts {@code value} in (Java twin of hist_slot(), for tests and docs). */
    public static int slotOf(long value) {
        if (value < 0) {
            throw new IllegalArgumentException("negative value " + value);
        }
        if (value == 0) {
            return 0;
        }
        // ceil(8 * log2 v) + 1, computed exactly: the smallest k with v^8 <= 2^k.
        int e = 63 - Long.numberOfLeadingZeros(value);
        BigInteger v8 = BigInteger.valueOf(value).pow(SUB_BUCKETS);
        int k = e * SUB_BUCKETS;
        while (v8.compareTo(BigInteger.ONE.shiftLeft(k)) > 0) {
            k++;
        }
        return Math.min(k + 1, SLOTS - 1);
    }

    /** Exclusive lower bound of slot {@code s >= 1}, in the recorded unit. */
    public static double lowerBound(int slot) {
        checkSlot(slot);
        return slot == 0 ? 0 : Math.pow(2, (slot - 2) / (double) SUB_BUCKETS);
    }

    /** Inclusive upper bound of slot {@code s}, in the recorded unit. */
    public static double upperBound(int slot) {
        checkSlot(slot);
        return slot == 0 ? 0 : Math.pow(2, (slot - 1) / (double) SUB_BUCKETS);
    }

    /** The OpenTelemetry exponential bucket index (scale 3) of slot {@code s >= 1}. */
    public static int otelIndex(int slot) {
        checkNonZero(slot);
        return slot - 2;
    }

    /** The Prometheus native histogram bucket index (schema 3) of slot {@code s >= 1}. */
    public static int prometheusIndex(int slot) {
        checkNonZero(slot);
        return slot - 1;
    }

    /**
     * The last slot whose values are all at most {@code 2^exponent}: the boundary 2^e closes slot
     * {@code 8e + 1}. Classic buckets use only such boundaries, so they are sums of whole slots.
     */
    public static int lastSlotAtMostPowerOfTwo(int exponent) {
        int slot = exponent * SUB_BUCKETS + 1;
        if (slot < 1 || slot >= SLOTS) {
            throw new IllegalArgumentException("2^" + exponent + " is outside the kernel histogram");
        }
        return slot;
    }

    private static void checkSlot(int slot) {
        if (slot < 0 || slot >= SLOTS) {
            throw new IllegalArgumentException("slot " + slot + " outside 0.." + (SLOTS - 1));
        }
    }

    private static void checkNonZero(int slot) {
        checkSlot(slot);
        if (slot == 0) {
            throw new IllegalArgumentException("slot 0 is the zero bucket, not an indexed bucket");
        }
    }
}
