package dev.ioguard.exporter.histogram;

/**
 * The unit a kernel histogram records in, as a power-of-two multiple of the exported base unit.
 * Durations are recorded in 2^-30 s (bpf/histogram.bpf.h, hist_duration_units) so that shifting to
 * seconds moves every boundary by exactly 30 octaves: bucket indexes shift by 30 * 8 and no bucket
 * is split. Immutable.
 */
public enum HistogramUnit {
    /** Kernel value 1 = 2^-30 seconds. */
    SECONDS(-30),
    BYTES(0),
    /** A count of requests (queue depth). */
    REQUESTS(0);

    private final int log2Scale;

    HistogramUnit(int log2Scale) {
        this.log2Scale = log2Scale;
    }

    /** The exported value of a kernel value (exact: a power-of-two scaling). */
    public double toBase(long kernelValue) {
        return Math.scalb((double) kernelValue, log2Scale);
    }

    /** The exported value of an unsigned 64-bit kernel sum. */
    public double sumToBase(long kernelSum) {
        double unsigned = kernelSum >= 0 ? kernelSum : kernelSum + 0x1p64;
        return Math.scalb(unsigned, log2Scale);
    }

    /** Bucket index shift between kernel units and the base unit at scale 3. */
    public int indexOffset() {
        return log2Scale * LogLinearBuckets.SUB_BUCKETS;
    }

    /** The kernel-unit exponent of the base-unit boundary 2^exponent. */
    public int kernelExponent(int baseExponent) {
        return baseExponent - log2Scale;
    }
}
