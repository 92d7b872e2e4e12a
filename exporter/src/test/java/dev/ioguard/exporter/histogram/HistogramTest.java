package dev.ioguard.exporter.histogram;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class HistogramTest {
    private static Histogram of(long... values) {
        long[] slots = new long[LogLinearBuckets.SLOTS];
        long sum = 0;
        for (long v : values) {
            slots[LogLinearBuckets.slotOf(v)]++;
            sum += v;
        }
        return Histogram.of(slots, sum);
    }

    @Test
    void countIsTheSumOfSlots() {
        Histogram h = of(0, 1, 4096, 4097, 1 << 20);
        assertEquals(5, h.count());
        assertEquals(1, h.zeroCount());
        assertEquals(4096 + 4097 + (1 << 20) + 1, h.sum());
    }

    @Test
    void classicBucketsAtPowersOfTwoAreExact() {
        // Bounds 2^12 and 2^13: 4096 is in the first (upper-inclusive), 4097 and 8192 in the second.
        Histogram h = of(5, 4096, 4097, 8192, 8193);
        assertArrayEquals(new long[] {2, 2, 1}, h.classicCounts(new int[] {12, 13}));
    }

    @Test
    void partitionsRollUpSlotWise() {
        Histogram sum = of(10, 20).plus(of(20, 3000));
        assertEquals(4, sum.count());
        assertEquals(3050, sum.sum());
        assertEquals(sum, of(10, 20, 20, 3000));
    }

    @Test
    void rejectsMalformedSlotArrays() {
        assertThrows(IllegalArgumentException.class, () -> Histogram.of(new long[3], 0));
        long[] negative = new long[LogLinearBuckets.SLOTS];
        negative[5] = -1;
        assertThrows(IllegalArgumentException.class, () -> Histogram.of(negative, 0));
    }
}
