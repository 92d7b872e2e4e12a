package dev.ioguard.exporter.otlp;

import static dev.ioguard.exporter.otlp.Fixtures.SNAPSHOT;
import static dev.ioguard.exporter.otlp.Fixtures.buckets;
import static dev.ioguard.exporter.otlp.Fixtures.metrics;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ioguard.exporter.histogram.Histogram;
import dev.ioguard.exporter.prometheus.KernelMetrics;
import dev.ioguard.exporter.snapshot.DiskIo;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.ExponentialHistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.DataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot.HistogramDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Label;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.NativeHistogramBuckets;
import io.prometheus.metrics.model.snapshots.Unit;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * One snapshot through both sinks: the Prometheus collector's model and what an OTLP collector
 * decodes from the wire carry the same metrics (the contract's two names for each), the same
 * series (attribute keys are the labels with dots for underscores) and the same values, to the
 * last bit of every histogram sum.
 */
class PrometheusParityTest {
    /**
     * DESIGN.md, "Names": OpenTelemetry name -> Prometheus name without the {@code _total} suffix.
     * A Prometheus kernel metric missing here is a metric the OTLP sink does not export yet.
     */
    private static final Map<String, String> CONTRACT = Map.ofEntries(
            Map.entry("system.disk.operations", "system_disk_operations"),
            Map.entry("system.disk.io", "system_disk_io_bytes"),
            Map.entry("ioguard.disk.request.duration", "ioguard_disk_request_duration_seconds"),
            Map.entry("ioguard.disk.queue.duration", "ioguard_disk_queue_duration_seconds"),
            Map.entry("ioguard.disk.service.duration", "ioguard_disk_service_duration_seconds"),
            Map.entry("ioguard.disk.request.size", "ioguard_disk_request_size_bytes"),
            Map.entry("ioguard.disk.inflight", "ioguard_disk_inflight_requests"),
            Map.entry("ioguard.disk.queue.depth", "ioguard_disk_queue_depth"),
            Map.entry("ioguard.disk.request.errors", "ioguard_disk_request_errors"),
            Map.entry("ioguard.filesystem.readonly", "ioguard_filesystem_readonly"),
            Map.entry("ioguard.filesystem.errors", "ioguard_filesystem_errors"),
            Map.entry("ioguard.filesystem.shutdowns", "ioguard_filesystem_shutdowns"),
            Map.entry("ioguard.filesystem.remounts", "ioguard_filesystem_remounts"));

    /** The histograms of DiskIo by OpenTelemetry name. */
    private static final Map<String, Function<DiskIo, Histogram>> DISK_HISTOGRAMS = Map.of(
            "ioguard.disk.request.duration", DiskIo::total,
            "ioguard.disk.queue.duration", DiskIo::queue,
            "ioguard.disk.service.duration", DiskIo::service,
            "ioguard.disk.request.size", DiskIo::size,
            "ioguard.disk.queue.depth", DiskIo::depth);

    private static Map<String, MetricSnapshot> prometheus;
    private static Map<String, Metric> otlp;

    @BeforeAll
    static void exportTheSnapshotToBothSinks() throws Exception {
        prometheus = new LinkedHashMap<>();
        for (MetricSnapshot m : new KernelMetrics(() -> SNAPSHOT).collect()) {
            prometheus.put(m.getMetadata().getName(), m);
        }
        ExportMetricsServiceRequest request = Fixtures.exportOnce(SNAPSHOT, Map.of());
        otlp = new LinkedHashMap<>();
        for (Metric m : metrics(request)) {
            assertTrue(otlp.put(m.getName(), m) == null, "metric " + m.getName() + " twice");
        }
    }

    private static String otelName(String prometheusName) {
        return CONTRACT.entrySet().stream().filter(e -> e.getValue().equals(prometheusName))
                .map(Map.Entry::getKey).findFirst()
                .orElseThrow(() -> new AssertionError("Prometheus metric " + prometheusName
                        + " is not in the contract table: export it over OTLP "
                        + "(OtlpMetricProducer) and add both names here"));
    }

    @Test
    void everyKernelMetricOfOneSinkIsInTheOtherUnderItsContractName() {
        assertEquals(Set.of(), otlp.keySet().stream().filter(n -> !CONTRACT.containsKey(n))
                .collect(Collectors.toSet()), "OTLP metrics outside the contract");
        for (MetricSnapshot prom : prometheus.values()) {
            String name = otelName(prom.getMetadata().getName());
            // A metric without any series is left out of OTLP (there is no empty metric there).
            assertEquals(!prom.getDataPoints().isEmpty(), otlp.containsKey(name), name);
        }
        for (String name : otlp.keySet()) {
            assertTrue(prometheus.containsKey(CONTRACT.get(name)), "no Prometheus " + name);
        }
        // The fixture has a series for every metric the snapshot carries.
        assertEquals(prometheus.size(), otlp.size(), otlp.keySet().toString());
    }

    @Test
    void kindsUnitsAndDescriptionsMatch() {
        for (MetricSnapshot prom : prometheus.values()) {
            Metric metric = otlp.get(otelName(prom.getMetadata().getName()));
            String name = metric.getName();
            switch (prom) {
                case CounterSnapshot c -> {
                    assertTrue(metric.hasSum(), name);
                    assertTrue(metric.getSum().getIsMonotonic(), name);
                    assertEquals(AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE,
                            metric.getSum().getAggregationTemporality(), name);
                }
                case GaugeSnapshot g -> assertTrue(metric.hasGauge(), name);
                case HistogramSnapshot h -> {
                    assertTrue(metric.hasExponentialHistogram(), name);
                    assertEquals(AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE,
                            metric.getExponentialHistogram().getAggregationTemporality(), name);
                }
                default -> throw new AssertionError("unexpected kind " + prom.getClass());
            }
            Unit unit = prom.getMetadata().getUnit();
            if (unit != null) {
                assertEquals(Map.of(Unit.SECONDS, "s", Unit.BYTES, "By").get(unit),
                        metric.getUnit(), name);
            }
            // The help text, with the attribute keys the metric carries written as label names.
            String description = metric.getDescription();
            for (String key : attributeKeys(metric)) {
                description = description.replace(key, key.replace('.', '_'));
            }
            assertEquals(prom.getMetadata().getHelp(), description, name);
        }
        assertEquals("{request}", otlp.get("ioguard.disk.queue.depth").getUnit());
        assertEquals("{request}", otlp.get("ioguard.disk.inflight").getUnit());
    }

    @Test
    void everySeriesHasTheSameValueInBothSinks() {
        for (MetricSnapshot prom : prometheus.values()) {
            if (prom.getDataPoints().isEmpty()) {
                continue;
            }
            Metric metric = otlp.get(otelName(prom.getMetadata().getName()));
            Map<Map<String, String>, Object> otlpPoints = otlpPoints(metric);
            assertEquals(prom.getDataPoints().size(), otlpPoints.size(), metric.getName());
            for (DataPointSnapshot p : prom.getDataPoints()) {
                Object point = otlpPoints.get(labels(p));
                assertNotNull(point, metric.getName() + " has no point for " + labels(p));
                switch (p) {
                    case CounterDataPointSnapshot c ->
                            assertEquals(c.getValue(), ((NumberDataPoint) point).getAsInt(), 0.0);
                    case GaugeDataPointSnapshot g ->
                            assertEquals(g.getValue(), ((NumberDataPoint) point).getAsInt(), 0.0);
                    case HistogramDataPointSnapshot h -> assertSameHistogram(h,
                            (ExponentialHistogramDataPoint) point,
                            metric.getName() + " " + labels(p));
                    default -> throw new AssertionError("unexpected point " + p.getClass());
                }
            }
        }
    }

    private static void assertSameHistogram(HistogramDataPointSnapshot prom,
            ExponentialHistogramDataPoint otlp, String what) {
        assertTrue(prom.getCount() > 0, what);
        assertEquals(prom.getCount(), otlp.getCount(), what);
        assertEquals(prom.getSum(), otlp.getSum(), 0.0, what + ": sums must be identical, not close");
        assertEquals(prom.getNativeSchema(), otlp.getScale(), what);
        assertEquals(prom.getNativeZeroCount(), otlp.getZeroCount(), what);
        assertEquals(prom.getNativeZeroThreshold(), otlp.getZeroThreshold(), 0.0, what);
        assertEquals(0, prom.getNativeBucketsForNegativeValues().size(), what);
        assertEquals(0, otlp.getNegative().getBucketCountsCount(), what);
        // Prometheus bucket i is (2^((i-1)/8), 2^(i/8)]; OpenTelemetry bucket i is
        // (2^(i/8), 2^((i+1)/8)]: the same bucket has an index one lower in OTLP.
        Map<Integer, Long> fromPrometheus = new TreeMap<>();
        NativeHistogramBuckets nb = prom.getNativeBucketsForPositiveValues();
        for (int i = 0; i < nb.size(); i++) {
            fromPrometheus.put(nb.getBucketIndex(i) - 1, nb.getCount(i));
        }
        assertEquals(fromPrometheus, buckets(otlp), what);
        long inBuckets = buckets(otlp).values().stream().mapToLong(Long::longValue).sum();
        assertEquals(otlp.getCount(), otlp.getZeroCount() + inBuckets, what);
    }

    @Test
    void aHistogramWithoutSamplesHasNoPointInEitherSink() {
        int absent = 0;
        for (Map.Entry<String, Function<DiskIo, Histogram>> h : DISK_HISTOGRAMS.entrySet()) {
            Map<Map<String, String>, Object> otlpPoints = otlpPoints(otlp.get(h.getKey()));
            Set<Map<String, String>> promSeries = prometheus.get(CONTRACT.get(h.getKey()))
                    .getDataPoints().stream().map(PrometheusParityTest::labels)
                    .collect(Collectors.toSet());
            for (DiskIo d : SNAPSHOT.disks()) {
                Map<String, String> series = Map.of("system_device", d.device().name(),
                        "disk_io_direction", d.direction().label());
                boolean sampled = h.getValue().apply(d).count() > 0;
                assertEquals(sampled, otlpPoints.containsKey(series), h.getKey() + " " + series);
                assertEquals(sampled, promSeries.contains(series), h.getKey() + " " + series);
                absent += sampled ? 0 : 1;
            }
        }
        // Discards without IO in all five; zram's service, queue and depth (no request stage).
        assertEquals(5 + 3, absent);
        Map<String, String> zram = Map.of("system_device", "zram0", "disk_io_direction", "write");
        assertTrue(otlpPoints(otlp.get("ioguard.disk.request.duration")).containsKey(zram));
        assertTrue(otlpPoints(otlp.get("ioguard.disk.request.size")).containsKey(zram));
        assertFalse(otlpPoints(otlp.get("ioguard.disk.service.duration")).containsKey(zram));
    }

    @Test
    void bucketIndexesAreShiftedByTheUnitSoThatBoundariesArePowersOfTwoOfTheBaseUnit() {
        Map<String, String> loopWrite = Map.of("system_device", "loop3",
                "disk_io_direction", "write");
        // 4096 B = 2^12 B closes OTel bucket 8 * 12 - 1 = 95 (no shift: recorded in bytes).
        ExponentialHistogramDataPoint size = (ExponentialHistogramDataPoint)
                otlpPoints(otlp.get("ioguard.disk.request.size")).get(loopWrite);
        assertEquals(Map.of(95, 6L), buckets(size));
        assertEquals(24576.0, size.getSum(), 0.0);
        // Depth 1 = 2^0 closes bucket -1; 16 = 2^4 closes 31; 2 closes 7; 3 is in (2^(12/8), 2^(13/8)].
        ExponentialHistogramDataPoint depth = (ExponentialHistogramDataPoint)
                otlpPoints(otlp.get("ioguard.disk.queue.depth")).get(loopWrite);
        assertEquals(Map.of(-1, 2L, 7, 1L, 12, 1L, 31, 2L), buckets(depth));
        // Durations are recorded in 2^-30 s: 0.25 s = 2^-2 s closes bucket -17 after the shift
        // of 30 * 8; requests issued directly have queue time 0, counted as zeros.
        ExponentialHistogramDataPoint queue = (ExponentialHistogramDataPoint)
                otlpPoints(otlp.get("ioguard.disk.queue.duration")).get(loopWrite);
        assertEquals(3, queue.getZeroCount());
        assertEquals(6, queue.getCount());
        ExponentialHistogramDataPoint service = (ExponentialHistogramDataPoint)
                otlpPoints(otlp.get("ioguard.disk.service.duration")).get(loopWrite);
        assertEquals(2L, buckets(service).get(-17));
        // Only zeros: a point with a zero count and no buckets.
        ExponentialHistogramDataPoint nvmeQueue = (ExponentialHistogramDataPoint)
                otlpPoints(otlp.get("ioguard.disk.queue.duration")).get(Map.of(
                        "system_device", "nvme0n1", "disk_io_direction", "read"));
        assertEquals(5, nvmeQueue.getZeroCount());
        assertEquals(Map.of(), buckets(nvmeQueue));
        assertEquals(0.0, nvmeQueue.getSum(), 0.0);
    }

    @Test
    void theInflightGaugeCarriesTheDeviceOnlyAndErrorsCarryDirectionAndErrorType() {
        Metric inflight = otlp.get("ioguard.disk.inflight");
        assertTrue(inflight.hasGauge());
        Map<Map<String, String>, Object> gauge = otlpPoints(inflight);
        assertEquals(Set.of(Map.of("system_device", "loop3"), Map.of("system_device", "nvme0n1")),
                gauge.keySet());
        assertEquals(3, ((NumberDataPoint) gauge.get(Map.of("system_device", "loop3"))).getAsInt());
        assertEquals(0, ((NumberDataPoint) gauge.get(Map.of("system_device", "nvme0n1"))).getAsInt());

        Metric errors = otlp.get("ioguard.disk.request.errors");
        assertEquals("{error}", errors.getUnit());
        Map<Map<String, String>, Object> counts = otlpPoints(errors);
        assertEquals(12, ((NumberDataPoint) counts.get(Map.of("system_device", "loop3",
                "disk_io_direction", "write", "error_type", "io"))).getAsInt());
        assertEquals(1, ((NumberDataPoint) counts.get(Map.of("system_device", "nvme0n1",
                "disk_io_direction", "discard", "error_type", "not_supported"))).getAsInt());
        assertEquals(2, counts.size());
        // The OpenTelemetry attribute is error.type (the semantic conventions' key).
        NumberDataPoint first = errors.getSum().getDataPoints(0);
        assertEquals(Set.of("system.device", "disk.io.direction", "error.type"),
                first.getAttributesList().stream().map(KeyValue::getKey).collect(Collectors.toSet()));
    }

    /** Labels as a map. */
    private static Map<String, String> labels(DataPointSnapshot p) {
        Map<String, String> out = new HashMap<>();
        for (Label l : p.getLabels()) {
            out.put(l.getName(), l.getValue());
        }
        return out;
    }

    /** Each point of the metric by its attributes written as Prometheus labels. */
    private static Map<Map<String, String>, Object> otlpPoints(Metric m) {
        List<?> points = switch (m.getDataCase()) {
            case SUM -> m.getSum().getDataPointsList();
            case GAUGE -> m.getGauge().getDataPointsList();
            case EXPONENTIAL_HISTOGRAM -> m.getExponentialHistogram().getDataPointsList();
            default -> throw new AssertionError("unexpected OTLP data " + m.getDataCase());
        };
        Map<Map<String, String>, Object> out = new HashMap<>();
        for (Object p : points) {
            Map<String, String> labels = new HashMap<>();
            for (KeyValue kv : attributes(p)) {
                labels.put(kv.getKey().replace('.', '_'), kv.getValue().getStringValue());
            }
            assertTrue(out.put(labels, p) == null, m.getName() + ": two points for " + labels);
        }
        return out;
    }

    private static List<KeyValue> attributes(Object point) {
        return switch (point) {
            case NumberDataPoint n -> n.getAttributesList();
            case ExponentialHistogramDataPoint h -> h.getAttributesList();
            default -> throw new AssertionError("unexpected point " + point.getClass());
        };
    }

    private static Set<String> attributeKeys(Metric m) {
        Set<String> keys = new java.util.HashSet<>();
        for (Object p : otlpPoints(m).values()) {
            attributes(p).forEach(kv -> keys.add(kv.getKey()));
        }
        return keys;
    }
}
