package dev.ioguard.exporter.otlp;

import static dev.ioguard.exporter.otlp.Fixtures.SNAPSHOT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ioguard.exporter.events.Event;
import dev.ioguard.exporter.events.Severity;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.metrics.v1.Metric;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * gRPC is the protocol when OTEL_EXPORTER_OTLP_PROTOCOL is unset (as in the OpenTelemetry Java
 * SDK): both signals reach a real gRPC server on loopback, with the endpoint used as given.
 */
class OtlpGrpcExportTest {
    @Test
    void withTheDefaultProtocolMetricsAndEventsArriveOverGrpc() throws Exception {
        try (OtlpGrpcReceiver receiver = OtlpGrpcReceiver.start()) {
            OtlpConfig config = OtlpConfig.fromEnvironment(Map.of(
                    "OTEL_EXPORTER_OTLP_ENDPOINT", receiver.endpoint(),
                    "OTEL_EXPORTER_OTLP_TIMEOUT", "5000",
                    "K8S_NODE_NAME", "node-g"), "host-g", "1.2.3").orElseThrow();
            assertEquals(OtlpProtocol.GRPC, config.metrics().orElseThrow().protocol());

            try (OtlpMetrics metrics = OtlpMetrics.start(config, () -> SNAPSHOT).orElseThrow()) {
                assertTrue(metrics.forceFlush(), "gRPC metric export failed");
            }
            var request = receiver.metricRequests().getFirst();
            Metric service = request.getResourceMetrics(0).getScopeMetrics(0).getMetricsList().stream()
                    .filter(m -> m.getName().equals("ioguard.disk.service.duration"))
                    .findFirst().orElseThrow();
            assertEquals(3, service.getExponentialHistogram().getDataPoints(0).getScale());
            assertEquals("node-g", Fixtures.string(
                    request.getResourceMetrics(0).getResource().getAttributesList(), "k8s.node.name"));

            try (OtlpEventSink sink = OtlpEventSink.start(config).orElseThrow()) {
                sink.deliver(new Event("filesystem.shutdown", Severity.ERROR, Instant.now(),
                        Map.of("device", "loop7")));
            }
            LogRecord record = receiver.logRequests().getFirst().getResourceLogs(0)
                    .getScopeLogs(0).getLogRecords(0);
            assertEquals("filesystem.shutdown", record.getEventName());
            assertEquals("loop7", Fixtures.string(record.getAttributesList(), "device"));
        }
    }

    @Test
    void anUnreachableGrpcCollectorFailsTheEventAfterTheLastAttempt() throws Exception {
        int port;
        try (OtlpGrpcReceiver receiver = OtlpGrpcReceiver.start()) {
            port = Integer.parseInt(receiver.endpoint().replaceAll(".*:", ""));
        }
        OtlpConfig config = OtlpConfig.fromEnvironment(Map.of(
                "OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:" + port,
                "OTEL_EXPORTER_OTLP_TIMEOUT", "2000",
                RetryPolicy.MAX_ATTEMPTS, "2", RetryPolicy.INITIAL_BACKOFF, "10"), "h", "v")
                .orElseThrow();
        try (OtlpEventSink sink = OtlpEventSink.start(config).orElseThrow()) {
            OtlpExportException e = org.junit.jupiter.api.Assertions.assertThrows(
                    OtlpExportException.class, () -> sink.deliver(new Event("filesystem.error",
                            Severity.ERROR, Instant.now(), Map.of())));
            assertTrue(e.getMessage().contains("failed after 2 attempts"), e.getMessage());
            assertEquals(1, sink.retries());
        }
    }
}
