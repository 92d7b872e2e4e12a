package dev.ioguard.exporter.otlp;

import static dev.ioguard.exporter.otlp.Fixtures.attributes;
import static dev.ioguard.exporter.otlp.Fixtures.string;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ioguard.exporter.events.Event;
import dev.ioguard.exporter.events.EventPipeline;
import dev.ioguard.exporter.events.Severity;
import dev.ioguard.exporter.testsupport.OtlpHttpReceiver;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.SeverityNumber;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Events as OTLP log records, decoded from the real protobuf by a loopback receiver; and delivery
 * through the event pipeline while that receiver is down, then back.
 */
class OtlpEventSinkTest {
    /** Fast retries for tests: 20 ms doubling to 100 ms. */
    private static Map<String, String> retries(int maxAttempts) {
        return Map.of(RetryPolicy.MAX_ATTEMPTS, String.valueOf(maxAttempts),
                RetryPolicy.INITIAL_BACKOFF, "20", RetryPolicy.MAX_BACKOFF, "100");
    }

    private static OtlpEventSink sink(OtlpHttpReceiver receiver, int maxAttempts) {
        return OtlpEventSink.start(Fixtures.httpConfig(receiver, retries(maxAttempts))).orElseThrow();
    }

    private static Event numbered(int seq) {
        return new Event("filesystem.error", Severity.ERROR, Instant.ofEpochSecond(1_700_000_000, seq),
                Map.of("seq", seq));
    }

    @Test
    void anEventBecomesALogRecordWithEventNameSeverityTimeAndTypedAttributes() throws Exception {
        Map<String, Object> attrs = new LinkedHashMap<>();
        attrs.put("device", "loop3");
        attrs.put("dev", "7:3");
        attrs.put("line", 1234);
        attrs.put("errno", -5L);
        attrs.put("ratio", 0.5);
        attrs.put("bind", true);
        attrs.put("mountpoints", List.of("/mnt/a", "/mnt/b"));
        Instant time = Instant.parse("2025-11-26T20:31:02.120345678Z");
        try (OtlpHttpReceiver receiver = OtlpHttpReceiver.start();
                OtlpEventSink sink = sink(receiver, 1)) {
            sink.deliver(new Event("filesystem.remount.readonly", Severity.ERROR, time, attrs));
            sink.deliver(new Event("disk.request.slow", Severity.WARN, time, Map.of()));
            sink.deliver(new Event("filesystem.remount.readwrite", Severity.INFO, time, Map.of()));

            List<LogRecord> records = receiver.logRecords();
            assertEquals(3, records.size());
            LogRecord r = records.getFirst();
            assertEquals("filesystem.remount.readonly", r.getEventName());
            assertEquals(SeverityNumber.SEVERITY_NUMBER_ERROR, r.getSeverityNumber());
            assertEquals("ERROR", r.getSeverityText());
            assertEquals(TimeUnit.SECONDS.toNanos(time.getEpochSecond()) + time.getNano(),
                    r.getTimeUnixNano());
            assertTrue(r.getObservedTimeUnixNano() > r.getTimeUnixNano());
            Map<String, AnyValue> a = attributes(r.getAttributesList());
            assertEquals(attrs.keySet(), a.keySet(), "no event.name attribute, nothing missing");
            assertEquals("loop3", a.get("device").getStringValue());
            assertEquals("7:3", a.get("dev").getStringValue());
            assertEquals(1234, a.get("line").getIntValue());
            assertEquals(-5, a.get("errno").getIntValue());
            assertEquals(0.5, a.get("ratio").getDoubleValue());
            assertTrue(a.get("bind").getBoolValue());
            assertEquals(List.of("/mnt/a", "/mnt/b"), a.get("mountpoints").getArrayValue()
                    .getValuesList().stream().map(AnyValue::getStringValue).toList());

            assertEquals(SeverityNumber.SEVERITY_NUMBER_WARN, records.get(1).getSeverityNumber());
            assertEquals("WARN", records.get(1).getSeverityText());
            assertEquals(SeverityNumber.SEVERITY_NUMBER_INFO, records.get(2).getSeverityNumber());

            var resource = receiver.logRequests().getFirst().getResourceLogs(0).getResource()
                    .getAttributesList();
            assertEquals("ioguard", string(resource, "service.name"));
            assertEquals("host-a", string(resource, "host.name"));
            assertEquals(List.of(), receiver.problems());
            assertEquals(0, sink.retries());
        }
    }

    @Test
    void errorAnswersAreRetriedWithBackoffAndCounted() throws Exception {
        try (OtlpHttpReceiver receiver = OtlpHttpReceiver.start();
                OtlpEventSink sink = sink(receiver, 5)) {
            receiver.failNext(2, 503);
            sink.deliver(numbered(0));
            assertEquals(2, receiver.failuresAnswered());
            assertEquals(2, sink.retries(), "our retries only: the SDK's own retry is off");
            assertEquals(1, receiver.logRecords().size());
        }
    }

    @Test
    void afterTheLastAttemptTheEventFailsWithTheReason() throws Exception {
        try (OtlpHttpReceiver receiver = OtlpHttpReceiver.start();
                OtlpEventSink sink = sink(receiver, 3)) {
            receiver.stop();
            long start = System.nanoTime();
            OtlpExportException e = assertThrows(OtlpExportException.class,
                    () -> sink.deliver(numbered(0)));
            assertTrue(e.getMessage().contains("failed after 3 attempts"), e.getMessage());
            assertEquals(2, sink.retries());
            // Two backoffs of 10-20 ms and 20-40 ms (equal jitter), far from the 3 s join limit.
            assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(5));
        }
    }

    @Test
    void closingWakesADeliveryThatIsWaitingToRetry() throws Exception {
        try (OtlpHttpReceiver receiver = OtlpHttpReceiver.start()) {
            Map<String, String> env = Map.of(RetryPolicy.MAX_ATTEMPTS, "100",
                    RetryPolicy.INITIAL_BACKOFF, "60000");
            OtlpEventSink sink = OtlpEventSink.start(Fixtures.httpConfig(receiver, env)).orElseThrow();
            receiver.stop();
            Thread closer = Thread.ofPlatform().start(() -> {
                try {
                    Thread.sleep(300);
                } catch (InterruptedException e) {
                    return;
                }
                sink.close();
            });
            long start = System.nanoTime();
            OtlpExportException e = assertThrows(OtlpExportException.class,
                    () -> sink.deliver(numbered(0)));
            assertTrue(e.getMessage().contains("closed while retrying"), e.getMessage());
            assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(10));
            closer.join(10_000);
        }
    }

    @Test
    void aBurstWhileTheCollectorIsDownIsDeliveredExactlyOnceWhenItComesBack() throws Exception {
        int queueBound = 64;
        int published = 50;
        try (OtlpHttpReceiver receiver = OtlpHttpReceiver.start();
                OtlpEventSink sink = sink(receiver, 1000)) {
            receiver.stop();
            try (EventPipeline pipeline = new EventPipeline(List.of(sink), queueBound)) {
                for (int i = 0; i < published; i++) {
                    pipeline.publish(numbered(i));
                }
                OtlpHttpReceiver.await("the sink retrying", Duration.ofSeconds(10),
                        () -> sink.retries() >= 3);
                assertEquals(0, receiver.logRecords().size());
                receiver.restart();
                OtlpHttpReceiver.await("every event delivered", Duration.ofSeconds(20),
                        () -> pipeline.sinkStats().getFirst().delivered() == published);
                EventPipeline.SinkStats stats = pipeline.sinkStats().getFirst();
                assertEquals(0, stats.droppedQueueFull());
                assertEquals(0, stats.failed());
            }
            Map<Long, Integer> seen = sequenceCounts(receiver.logRecords());
            assertEquals(published, seen.size(), "every sequence number arrived");
            assertTrue(seen.values().stream().allMatch(n -> n == 1), "no duplicates: " + seen);
            assertTrue(sink.retries() >= 3);
        }
    }

    @Test
    void aBurstAboveTheQueueBoundLosesOnlyWhatTheDropCounterCounts() throws Exception {
        int queueBound = 8;
        int published = 40;
        try (OtlpHttpReceiver receiver = OtlpHttpReceiver.start();
                OtlpEventSink sink = sink(receiver, 1000)) {
            receiver.stop();
            try (EventPipeline pipeline = new EventPipeline(List.of(sink), queueBound)) {
                for (int i = 0; i < published; i++) {
                    pipeline.publish(numbered(i));
                }
                OtlpHttpReceiver.await("the sink retrying", Duration.ofSeconds(10),
                        () -> sink.retries() >= 3);
                long dropped = pipeline.sinkStats().getFirst().droppedQueueFull();
                // The queue holds 8; the lane may hold one more in its retry loop.
                assertTrue(dropped == published - queueBound - 1 || dropped == published - queueBound,
                        "dropped " + dropped);
                receiver.restart();
                OtlpHttpReceiver.await("the queue drained", Duration.ofSeconds(20),
                        () -> pipeline.sinkStats().getFirst().delivered() == published - dropped);
                EventPipeline.SinkStats stats = pipeline.sinkStats().getFirst();
                assertEquals(0, stats.failed());
                assertEquals(dropped, stats.droppedQueueFull(), "no further drops");
                assertEquals(published, stats.delivered() + stats.droppedQueueFull());

                Map<Long, Integer> seen = sequenceCounts(receiver.logRecords());
                assertTrue(seen.values().stream().allMatch(n -> n == 1), "no duplicates: " + seen);
                assertEquals(stats.delivered(), seen.size());
                assertEquals(published - seen.size(), stats.droppedQueueFull(),
                        "the drop counter equals the number lost");
            }
        }
    }

    private static Map<Long, Integer> sequenceCounts(List<LogRecord> records) {
        Map<Long, Integer> seen = new TreeMap<>();
        for (LogRecord r : records) {
            AnyValue seq = attributes(r.getAttributesList()).get("seq");
            assertFalse(seq == null, "record without seq");
            seen.merge(seq.getIntValue(), 1, Integer::sum);
        }
        return seen;
    }
}
