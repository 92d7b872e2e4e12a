package dev.ioguard.exporter.otlp;

import static dev.ioguard.exporter.otlp.Fixtures.SNAPSHOT;
import static dev.ioguard.exporter.otlp.Fixtures.buckets;
import static dev.ioguard.exporter.otlp.Fixtures.metrics;
import static dev.ioguard.exporter.otlp.Fixtures.string;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ioguard.exporter.histogram.Histogram;
import dev.ioguard.exporter.histogram.LogLinearBuckets;
import dev.ioguard.exporter.snapshot.DiskIo;
import dev.ioguard.exporter.testsupport.OtlpHttpReceiver;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.ExponentialHistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** What a collector receives over OTLP/HTTP for a NodeSnapshot, decoded from the real protobuf. */
class OtlpMetricsExportTest {
    private static final int SECONDS_OFFSET = -30 * LogLinearBuckets.SUB_BUCKETS;

    private static ExportMetricsServiceRequest exportOnce(Map<String, String> env) throws Exception {
        return Fixtures.exportOnce(SNAPSHOT, env);
    }

    private static Metric metric(ExportMetricsServiceRequest request, String name) {
        return metrics(request).stream().filter(m -> m.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no metric " + name + " in "
                        + metrics(request).stream().map(Metric::getName).toList()));
    }

    private static ExponentialHistogramDataPoint servicePoint(ExportMetricsServiceRequest request,
            String device, String direction) {
        return metric(request, "ioguard.disk.service.duration").getExponentialHistogram()
                .getDataPointsList().stream()
                .filter(p -> device.equals(string(p.getAttributesList(), "system.device"))
                        && direction.equals(string(p.getAttributesList(), "disk.io.direction")))
                .findFirst().orElseThrow();
    }

    @Test
    void serviceDurationIsAnExponentialHistogramAtScale3WithOneBucketPerKernelSlot() throws Exception {
        ExportMetricsServiceRequest request = exportOnce(Map.of());
        Metric metric = metric(request, "ioguard.disk.service.duration");
        assertEquals("s", metric.getUnit());
        assertEquals(AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE,
                metric.getExponentialHistogram().getAggregationTemporality());
        // No point for the discards without IO nor for zram, which has no request stage.
        assertEquals(3, metric.getExponentialHistogram().getDataPointsCount());
        for (DiskIo d : SNAPSHOT.disks().stream().filter(d -> d.service().count() > 0).toList()) {
            ExponentialHistogramDataPoint p = servicePoint(request, d.device().name(),
                    d.direction().label());
            Histogram h = d.service();
            assertEquals(3, p.getScale());
            assertEquals(h.zeroCount(), p.getZeroCount());
            assertEquals(0, p.getNegative().getBucketCountsCount());
            Map<Integer, Long> expected = new TreeMap<>();
            for (int slot = 1; slot < LogLinearBuckets.SLOTS; slot++) {
                if (h.slot(slot) > 0) {
                    expected.put(slot - 2 + SECONDS_OFFSET, h.slot(slot));
                }
            }
            assertEquals(expected, buckets(p), d.toString());
            assertEquals(h.count(), p.getCount());
            assertTrue(p.getStartTimeUnixNano() > 0
                    && p.getStartTimeUnixNano() <= p.getTimeUnixNano());
        }
    }

    @Test
    void bucketBoundariesAreUpperInclusivePowersOfTwoOfASecond() throws Exception {
        ExponentialHistogramDataPoint write = servicePoint(exportOnce(Map.of()), "loop3", "write");
        // Index i at scale 3 covers (2^(i/8), 2^((i+1)/8)] s: 0.25 s = 2^-2 s closes index -17,
        // 3 s is in (2^(12/8), 2^(13/8)] = (2.83, 3.08], index 12; one value was exactly zero.
        Map<Integer, Long> b = buckets(write);
        assertEquals(2L, b.get(-17));
        assertEquals(1L, b.get(12));
        assertEquals(1, write.getZeroCount());
        assertEquals(0.0005 + 0.001 + 0.25 + 0.25 + 3.0, write.getSum(), 1e-9);
    }

    @Test
    void countersAreMonotonicCumulativeSumsWithTheContractAttributes() throws Exception {
        ExportMetricsServiceRequest request = exportOnce(Map.of());
        Metric ops = metric(request, "system.disk.operations");
        assertTrue(ops.getSum().getIsMonotonic());
        assertEquals(AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE,
                ops.getSum().getAggregationTemporality());
        assertEquals(6, value(ops, "loop3", "write"));
        assertEquals(5, value(ops, "nvme0n1", "read"));
        Metric bytes = metric(request, "system.disk.io");
        assertEquals("By", bytes.getUnit());
        assertTrue(bytes.getSum().getIsMonotonic());
        assertEquals(24576, value(bytes, "loop3", "write"));
        assertEquals(1 << 20, value(bytes, "nvme0n1", "read"));

        NumberDataPoint fs = metric(request, "ioguard.filesystem.errors").getSum()
                .getDataPoints(0);
        assertEquals(2, fs.getAsInt());
        assertEquals("loop3", string(fs.getAttributesList(), "system.device"));
        assertEquals("ext4", string(fs.getAttributesList(), "system.filesystem.type"));
        assertEquals("/data", string(fs.getAttributesList(), "system.filesystem.mountpoint"));
        assertEquals("fs_error", string(fs.getAttributesList(), "cause"));
        assertEquals(4, fs.getAttributesCount());
    }

    private static long value(Metric m, String device, String direction) {
        List<NumberDataPoint> points = m.getSum().getDataPointsList().stream()
                .filter(p -> device.equals(string(p.getAttributesList(), "system.device"))
                        && direction.equals(string(p.getAttributesList(), "disk.io.direction")))
                .toList();
        assertEquals(1, points.size(), m.getName() + " " + device + " " + direction);
        assertEquals(2, points.getFirst().getAttributesCount());
        return points.getFirst().getAsInt();
    }

    @Test
    void resourceNamesTheServiceHostAndKubernetesNode() throws Exception {
        ExportMetricsServiceRequest request = exportOnce(Map.of("K8S_NODE_NAME", "node-a",
                "OTEL_EXPORTER_OTLP_COMPRESSION", "gzip"));
        var resource = request.getResourceMetrics(0).getResource().getAttributesList();
        assertEquals("ioguard", string(resource, "service.name"));
        assertEquals("1.2.3", string(resource, "service.version"));
        assertEquals("host-a", string(resource, "host.name"));
        assertEquals("node-a", string(resource, "k8s.node.name"));
        assertEquals("opentelemetry", string(resource, "telemetry.sdk.name"));
    }

    @Test
    void withoutK8sNodeNameTheResourceHasNoNodeAndUserAttributesApply() throws Exception {
        ExportMetricsServiceRequest request = exportOnce(Map.of(
                "OTEL_RESOURCE_ATTRIBUTES", "deployment.environment.name=prod,team=storage%20sre",
                "OTEL_SERVICE_NAME", "ioguard-canary"));
        var resource = request.getResourceMetrics(0).getResource().getAttributesList();
        assertNull(string(resource, "k8s.node.name"));
        assertEquals("ioguard-canary", string(resource, "service.name"));
        assertEquals("prod", string(resource, "deployment.environment.name"));
        assertEquals("storage sre", string(resource, "team"));
        assertEquals("host-a", string(resource, "host.name"));
    }

    @Test
    void exportsPeriodicallyAtTheConfiguredInterval() throws Exception {
        try (OtlpHttpReceiver receiver = OtlpHttpReceiver.start()) {
            OtlpConfig config = Fixtures.httpConfig(receiver,
                    Map.of("OTEL_METRIC_EXPORT_INTERVAL", "100"));
            OtlpMetrics metrics = OtlpMetrics.start(config, () -> SNAPSHOT).orElseThrow();
            try {
                OtlpHttpReceiver.await("3 periodic exports", Duration.ofSeconds(10),
                        () -> receiver.metricRequests().size() >= 3);
            } finally {
                metrics.close();
            }
            assertFalse(metrics(receiver.metricRequests().getLast()).isEmpty());
        }
    }

    @Test
    void aRefusedExportIsCountedAsFailedAndTheNextExportCarriesTheValues() throws Exception {
        try (OtlpHttpReceiver receiver = OtlpHttpReceiver.start()) {
            OtlpConfig config = Fixtures.httpConfig(receiver, Map.of());
            try (OtlpMetrics metrics = OtlpMetrics.start(config, () -> SNAPSHOT).orElseThrow()) {
                assertEquals(0, metrics.exportsFailed());
                // 400 is not retryable: the exporter gives up at once (503 would be retried).
                receiver.failNext(1, 400);
                assertFalse(metrics.forceFlush(), "the refused export must fail");
                OtlpHttpReceiver.await("the failed export counted", Duration.ofSeconds(5),
                        () -> metrics.exportsFailed() == 1);
                assertTrue(metrics.forceFlush());
                assertEquals(1, metrics.exportsFailed());
            }
            assertEquals(1, receiver.failuresAnswered());
            assertFalse(metrics(receiver.metricRequests().getFirst()).isEmpty());
        }
    }

    @Test
    void logsOnlyConfigurationStartsNoMetricExport() {
        try (OtlpHttpReceiver receiver = OtlpHttpReceiver.start()) {
            OtlpConfig config = Fixtures.httpConfig(receiver, Map.of("OTEL_METRICS_EXPORTER", "none"));
            assertTrue(OtlpMetrics.start(config, () -> SNAPSHOT).isEmpty());
            assertTrue(config.logs().isPresent());
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }
}
