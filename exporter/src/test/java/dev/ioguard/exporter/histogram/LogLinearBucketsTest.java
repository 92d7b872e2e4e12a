package dev.ioguard.exporter.histogram;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LogLinearBucketsTest {
    @Test
    void zeroHasItsOwnSlot() {
        assertEquals(0, LogLinearBuckets.slotOf(0));
        assertEquals(1, LogLinearBuckets.slotOf(1));
    }

    @Test
    void powersOfTwoCloseTheirBucketUpperInclusive() {
        // 4096 = 2^12 is the upper bound of slot 8*12+1; 4097 starts the next one.
        assertEquals(97, LogLinearBuckets.slotOf(4096));
        assertEquals(98, LogLinearBuckets.slotOf(4097));
        assertEquals(4096.0, LogLinearBuckets.upperBound(97));
        assertEquals(4096.0, LogLinearBuckets.lowerBound(98));
    }

    @Test
    void everyValueLiesWithinItsSlotBounds() {
        for (long v = 1; v < 1L << 40; v = v * 3 / 2 + 1) {
            int slot = LogLinearBuckets.slotOf(v);
            // bounds are irrational: compare with a margin far below one integer step
            assertTrue(v > LogLinearBuckets.lowerBound(slot) * (1 - 1e-12)
                    && v <= LogLinearBuckets.upperBound(slot) * (1 + 1e-12),
                    "value " + v + " in slot " + slot);
        }
    }

    @Test
    void slotsMapOntoOpenTelemetryAndPrometheusIndexes() {
        // OpenTelemetry bucket i covers (2^(i/8), 2^((i+1)/8)]; Prometheus index is i + 1.
        int slot = LogLinearBuckets.slotOf(4096);
        int otel = LogLinearBuckets.otelIndex(slot);
        assertEquals(Math.pow(2, (otel + 1) / 8.0), LogLinearBuckets.upperBound(slot));
        assertEquals(otel + 1, LogLinearBuckets.prometheusIndex(slot));
    }

    @Test
    void valuesBeyondTheRangeClampIntoTheLastSlot() {
        assertEquals(LogLinearBuckets.SLOTS - 1, LogLinearBuckets.slotOf(Long.MAX_VALUE));
        assertEquals(LogLinearBuckets.SLOTS - 1, LogLinearBuckets.slotOf(1L << 40));
    }

    @Test
    void rejectsSlotsOutsideTheHistogram() {
        assertThrows(IllegalArgumentException.class, () -> LogLinearBuckets.upperBound(-1));
        assertThrows(IllegalArgumentException.class,
                () -> LogLinearBuckets.upperBound(LogLinearBuckets.SLOTS));
        assertThrows(IllegalArgumentException.class, () -> LogLinearBuckets.otelIndex(0));
    }
}
