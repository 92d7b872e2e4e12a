package dev.ioguard.exporter.histogram;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.ioguard.exporter.testsupport.Histograms;
import org.junit.jupiter.api.Test;

class HistogramTest {

    @Test
    void countIsTheSumOfSlots() {
        Histogram h = Histograms.values(0, 1, 4096, 4097, 1 << 20);
        assertEquals(5, h.count());
        assertEquals(1, h.zeroCount());
        assertEquals(4096 + 4097 + (1 << 20) + 1, h.sum());
    }

    @Test
    void classicBucketsAtPowersOfTwoAreExact() {
        // Bounds 2^12 and 2^13: 4096 is in the first (upper-inclusive), 4097 and 8192 in the second.
        Histogram h = Histograms.values(5, 4096, 4097, 8192, 8193);
        assertArrayEquals(new long[] {2, 2, 1}, h.classicCounts(new int[] {12, 13}));
    }

    @Test
    void partitionsRollUpSlotWise() {
        Histogram sum = Histograms.values(10, 20).plus(Histograms.values(20, 3000));
        assertEquals(4, sum.count());
        assertEquals(3050, sum.sum());
        assertEquals(sum, Histograms.values(10, 20, 20, 3000));
    }

    @Test
    void rejectsMalformedSlotArrays() {
        assertThrows(IllegalArgumentException.class, () -> Histogram.of(new long[3], 0));
        long[] negative = new long[LogLinearBuckets.SLOTS];
        negative[5] = -1;
        assertThrows(IllegalArgumentException.class, () -> Histogram.of(negative, 0));
    }
}
