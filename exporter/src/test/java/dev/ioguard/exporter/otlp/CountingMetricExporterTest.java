package dev.ioguard.exporter.otlp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.common.export.MemoryMode;
import io.opentelemetry.sdk.metrics.Aggregation;
import io.opentelemetry.sdk.metrics.InstrumentType;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.export.MetricExporter;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.List;
import java.util.Queue;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** Failed exports are counted when their result completes, whenever that is. */
class CountingMetricExporterTest {
    /** Answers each export with the next result of the queue. */
    private static final class Scripted implements MetricExporter {
        final Queue<Supplier<CompletableResultCode>> answers = new ArrayDeque<>();

        @Override
        public CompletableResultCode export(Collection<MetricData> metrics) {
            return answers.remove().get();
        }

        @Override
        public CompletableResultCode flush() {
            return CompletableResultCode.ofSuccess();
        }

        @Override
        public CompletableResultCode shutdown() {
            return CompletableResultCode.ofSuccess();
        }

        @Override
        public AggregationTemporality getAggregationTemporality(InstrumentType type) {
            return AggregationTemporality.DELTA;
        }

        @Override
        public Aggregation getDefaultAggregation(InstrumentType type) {
            return Aggregation.base2ExponentialBucketHistogram();
        }

        @Override
        public MemoryMode getMemoryMode() {
            return MemoryMode.REUSABLE_DATA;
        }
    }

    @Test
    void failuresAreCountedWhenTheResultCompletesAndSuccessesAreNot() {
        Scripted delegate = new Scripted();
        CountingMetricExporter exporter = new CountingMetricExporter(delegate);
        CompletableResultCode later = new CompletableResultCode();
        delegate.answers.add(CompletableResultCode::ofSuccess);
        delegate.answers.add(CompletableResultCode::ofFailure);
        delegate.answers.add(() -> later);
        delegate.answers.add(() -> {
            throw new IllegalStateException("exporter broke");
        });

        assertTrue(exporter.export(List.of()).isSuccess());
        assertEquals(0, exporter.failed());
        exporter.export(List.of());
        assertEquals(1, exporter.failed());
        assertSame(later, exporter.export(List.of()));
        assertEquals(1, exporter.failed(), "still in flight");
        later.fail();
        assertEquals(2, exporter.failed());
        assertThrows(IllegalStateException.class, () -> exporter.export(List.of()));
        assertEquals(3, exporter.failed());
    }

    @Test
    void everythingElseIsTheDelegates() {
        CountingMetricExporter exporter = new CountingMetricExporter(new Scripted());
        assertEquals(AggregationTemporality.DELTA,
                exporter.getAggregationTemporality(InstrumentType.COUNTER));
        assertEquals(Aggregation.base2ExponentialBucketHistogram().toString(),
                exporter.getDefaultAggregation(InstrumentType.HISTOGRAM).toString());
        assertEquals(MemoryMode.REUSABLE_DATA, exporter.getMemoryMode());
        assertTrue(exporter.flush().isSuccess());
        assertTrue(exporter.shutdown().isSuccess());
    }
}
