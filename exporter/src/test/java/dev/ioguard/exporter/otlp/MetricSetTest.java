package dev.ioguard.exporter.otlp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ioguard.exporter.histogram.Histogram;
import dev.ioguard.exporter.histogram.HistogramUnit;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.data.MetricDataType;
import io.opentelemetry.sdk.resources.Resource;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The builder new snapshot fields are exported with: one declaration, one point per series. */
class MetricSetTest {
    private static MetricSet set() {
        return new MetricSet(Resource.empty(), InstrumentationScopeInfo.create("test"), 100, 200);
    }

    @Test
    void gaugesCountersAndHistogramsKeepDeclarationOrderAndSkipMetricsWithoutPoints() {
        MetricSet set = set();
        MetricSet.LongPoints readonly = set.gauge("ioguard.filesystem.readonly", "1", "ro");
        set.counter("ioguard.filesystem.shutdowns", "{shutdown}", "none yet");
        set.histogram("ioguard.disk.request.size", HistogramUnit.BYTES, "no points");
        MetricSet.LongPoints errors = set.counter("ioguard.disk.request.errors", "{error}", "e");
        readonly.add(Attributes.builder().put("system.filesystem.mountpoint", "/var/log").build(), 1);
        errors.add(Attributes.empty(), 3);

        List<MetricData> metrics = set.build();
        assertEquals(List.of("ioguard.filesystem.readonly", "ioguard.disk.request.errors"),
                metrics.stream().map(MetricData::getName).toList());
        MetricData gauge = metrics.getFirst();
        assertEquals(MetricDataType.LONG_GAUGE, gauge.getType());
        LongPointData point = gauge.getLongGaugeData().getPoints().iterator().next();
        assertEquals(1, point.getValue());
        assertEquals(200, point.getEpochNanos());
        MetricData counter = metrics.get(1);
        assertEquals(MetricDataType.LONG_SUM, counter.getType());
        assertTrue(counter.getLongSumData().isMonotonic());
        assertEquals(AggregationTemporality.CUMULATIVE,
                counter.getLongSumData().getAggregationTemporality());
        assertEquals(100, counter.getLongSumData().getPoints().iterator().next().getStartEpochNanos());
    }

    @Test
    void aHistogramWithoutSamplesGetsNoPointAndAMetricOfOnlySuchHistogramsIsLeftOut() {
        MetricSet set = set();
        MetricSet.HistogramPoints service = set.histogram("ioguard.disk.service.duration",
                HistogramUnit.SECONDS, "s");
        MetricSet.HistogramPoints size = set.histogram("ioguard.disk.request.size",
                HistogramUnit.BYTES, "b");
        service.add(Attributes.empty(), Histogram.empty());
        size.add(Attributes.empty(), Histogram.empty());
        size.add(Attributes.builder().put("system.device", "loop3").build(), Fixtures.values(4096));

        List<MetricData> metrics = set.build();
        assertEquals(List.of("ioguard.disk.request.size"),
                metrics.stream().map(MetricData::getName).toList());
        assertEquals(1, metrics.getFirst().getExponentialHistogramData().getPoints().size());
    }

    @Test
    void histogramUnitsAreUcum() {
        assertEquals("s", MetricSet.unit(HistogramUnit.SECONDS));
        assertEquals("By", MetricSet.unit(HistogramUnit.BYTES));
        assertEquals("{request}", MetricSet.unit(HistogramUnit.REQUESTS));
    }
}
