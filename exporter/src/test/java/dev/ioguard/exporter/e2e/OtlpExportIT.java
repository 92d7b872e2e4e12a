package dev.ioguard.exporter.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ioguard.exporter.testsupport.Command;
import dev.ioguard.exporter.testsupport.ExporterProcess;
import dev.ioguard.exporter.testsupport.KernelAssumptions;
import dev.ioguard.exporter.testsupport.LoopDevice;
import dev.ioguard.exporter.testsupport.Mount;
import dev.ioguard.exporter.testsupport.OtlpHttpReceiver;
import dev.ioguard.exporter.testsupport.PrometheusText;
import dev.ioguard.exporter.testsupport.Root;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.metrics.v1.Metric;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The packaged exporter as a process on a real kernel, configured only by OTEL_* variables, pushing
 * to a loopback receiver that decodes the real OTLP protobuf: kernel metrics arrive periodically,
 * an ext4 error arrives as a log record, and a bad variable stops it at start with one line.
 */
class OtlpExportIT {
    private static void requireKernel() {
        Root.require();
        KernelAssumptions.require(Files.isReadable(Path.of("/sys/kernel/btf/vmlinux")),
                "kernel has no BTF (/sys/kernel/btf/vmlinux)");
    }

    @Test
    void kernelMetricsAndAnExt4ErrorEventArriveOverOtlp() throws Exception {
        requireKernel();
        KernelAssumptions.requireProgram("mkfs.ext4");
        try (OtlpHttpReceiver receiver = OtlpHttpReceiver.start();
                LoopDevice loop = LoopDevice.create(64, false)) {
            loop.mkfs("ext4", "-E", "lazy_itable_init=0,lazy_journal_init=0");
            try (Mount mount = loop.mount("errors=remount-ro");
                    ExporterProcess exporter = ExporterProcess.start(Map.of(
                            "OTEL_EXPORTER_OTLP_ENDPOINT", receiver.endpoint(),
                            "OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf",
                            "OTEL_METRIC_EXPORT_INTERVAL", "250",
                            "K8S_NODE_NAME", "node-e2e"))) {
                exporter.awaitReady(Duration.ofSeconds(30));
                Path file = mount.mountPoint().resolve("data");
                Command.run("dd", "if=/dev/zero", "of=" + file, "bs=64k", "count=32",
                        "oflag=direct", "conv=fsync", "status=none");

                Files.writeString(Path.of("/sys/fs/ext4", loop.name(), "trigger_fs_error"), "1");
                long triggered = System.nanoTime();
                OtlpHttpReceiver.await("filesystem.error log record for " + loop.name(),
                        Duration.ofSeconds(5), () -> errorRecord(receiver, loop.name()).isPresent());
                long delayMs = (System.nanoTime() - triggered) / 1_000_000;
                System.out.println("ext4 error -> OTLP log record at the receiver: " + delayMs + " ms");
                LogRecord record = errorRecord(receiver, loop.name()).orElseThrow();
                assertEquals("ERROR", record.getSeverityText());
                assertEquals(loop.devNumber(), OtlpHttpReceiver.stringAttribute(record.getAttributesList(), "dev"));

                // A later periodic export carries the writes: the histogram counts what ops counts.
                OtlpHttpReceiver.await("a metric export with the writes to " + loop.name(),
                        Duration.ofSeconds(10), () -> receiver.metricRequests().stream()
                                .anyMatch(r -> writes(r, loop.name()) >= 32));
                ExportMetricsServiceRequest last = receiver.metricRequests().getLast();
                long ops = writes(last, loop.name());
                assertEquals(ops, metric(last, "ioguard.disk.service.duration")
                        .getExponentialHistogram().getDataPointsList().stream()
                        .filter(p -> matches(p.getAttributesList(), loop.name(), "write"))
                        .findFirst().orElseThrow().getCount());
                // Every stage of a blk-mq device is exported (a loop device has all of them).
                for (String h : List.of("ioguard.disk.request.duration",
                        "ioguard.disk.queue.duration", "ioguard.disk.request.size",
                        "ioguard.disk.queue.depth")) {
                    assertTrue(metric(last, h).getExponentialHistogram().getDataPointsList().stream()
                            .filter(p -> matches(p.getAttributesList(), loop.name(), "write"))
                            .findFirst().orElseThrow(() -> new AssertionError("no " + h + " point"))
                            .getCount() > 0, h);
                }
                List<KeyValue> resource = last.getResourceMetrics(0).getResource().getAttributesList();
                assertEquals("node-e2e", OtlpHttpReceiver.stringAttribute(resource, "k8s.node.name"));
                assertEquals("ioguard", OtlpHttpReceiver.stringAttribute(resource, "service.name"));
                assertFalse(OtlpHttpReceiver.stringAttribute(resource, "host.name").isBlank());

                // The same incident's read-only remount, one event, as an ERROR log record.
                OtlpHttpReceiver.await("filesystem.remount.readonly log record for " + loop.name(),
                        Duration.ofSeconds(5),
                        () -> record(receiver, "filesystem.remount.readonly", loop.name()).isPresent());
                LogRecord remount = record(receiver, "filesystem.remount.readonly", loop.name()).orElseThrow();
                assertEquals("ERROR", remount.getSeverityText());
                assertEquals("fs_error", OtlpHttpReceiver.stringAttribute(remount.getAttributesList(), "cause"));

                // The receiver keeps a request before it answers; the sink counts after the answer:
                // every record the receiver holds was counted as delivered, no more, no less.
                OtlpHttpReceiver.await("ioguard_events_delivered_total{sink=\"otlp\"} = records received",
                        Duration.ofSeconds(5), () -> PrometheusText.counter(scrape(exporter),
                                "ioguard_events_delivered_total", Map.of("sink", "otlp"))
                                == receiver.logRecords().size());
                String metrics = scrape(exporter);
                assertEquals(java.util.OptionalDouble.of(0), PrometheusText.value(metrics,
                        "ioguard_events_retried_total", Map.of("sink", "otlp")), metrics);
                assertEquals(java.util.OptionalDouble.of(0), PrometheusText.value(metrics,
                        "ioguard_events_dropped_total",
                        Map.of("sink", "otlp", "reason", "export_failed")), metrics);
                assertEquals(java.util.OptionalDouble.of(0), PrometheusText.value(metrics,
                        "ioguard_otlp_metric_exports_failed_total", Map.of()), metrics);
            }
        }
    }

    private static String scrape(ExporterProcess exporter) {
        try {
            return exporter.get("/metrics").body();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static Optional<LogRecord> errorRecord(OtlpHttpReceiver receiver, String device) {
        return record(receiver, "filesystem.error", device);
    }

    private static Optional<LogRecord> record(OtlpHttpReceiver receiver, String event, String device) {
        return receiver.logRecords().stream()
                .filter(r -> r.getEventName().equals(event)
                        && device.equals(OtlpHttpReceiver.stringAttribute(r.getAttributesList(), "device")))
                .findFirst();
    }

    private static Metric metric(ExportMetricsServiceRequest r, String name) {
        return r.getResourceMetricsList().stream().flatMap(rm -> rm.getScopeMetricsList().stream())
                .flatMap(sm -> sm.getMetricsList().stream()).filter(m -> m.getName().equals(name))
                .findFirst().orElseThrow(() -> new AssertionError("no " + name));
    }

    private static boolean matches(List<KeyValue> attributes, String device, String direction) {
        return device.equals(OtlpHttpReceiver.stringAttribute(attributes, "system.device"))
                && direction.equals(OtlpHttpReceiver.stringAttribute(attributes, "disk.io.direction"));
    }

    private static long writes(ExportMetricsServiceRequest r, String device) {
        return metric(r, "system.disk.operations").getSum().getDataPointsList().stream()
                .filter(p -> matches(p.getAttributesList(), device, "write"))
                .mapToLong(p -> p.getAsInt()).findFirst().orElse(0);
    }

    @Test
    void aBadOtlpVariableStopsTheExporterAtStartWithOneLineNamingIt() throws Exception {
        requireKernel();
        List<String> cmd = new ArrayList<>(ExporterProcess.javaCommand(ExporterProcess.jar()));
        cmd.add("--web.listen-address=127.0.0.1:" + ExporterProcess.freePort());
        ProcessBuilder builder = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        builder.environment().put("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4318");
        builder.environment().put("OTEL_EXPORTER_OTLP_PROTOCOL", "http/json");
        Process p = builder.start();
        try {
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "exporter did not stop");
            String stderr = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(1, p.exitValue(), stderr);
            assertTrue(stderr.startsWith("ioguard: OTEL_EXPORTER_OTLP_PROTOCOL: unsupported OTLP "
                    + "protocol 'http/json'"), stderr);
            assertFalse(stderr.contains("\tat "), stderr);
        } finally {
            p.destroyForcibly();
        }
    }
}
