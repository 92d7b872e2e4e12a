package dev.ioguard.exporter.prometheus;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ioguard.exporter.snapshot.SelfSnapshot;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class SelfMetricsTest {
    private static String text(SelfSnapshot s) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrometheusTextFormatWriter.create().write(out, new SelfMetrics(() -> s).collect());
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void retriesAreCountedPerSinkAndZeroForSinksThatDoNotRetry() throws Exception {
        String text = text(new SelfSnapshot(List.of(), 10, 0,
                List.of(new SelfSnapshot.SinkCounters("stdout", 10, 0, 0),
                        new SelfSnapshot.SinkCounters("otlp", 7, 2, 1)),
                Map.of(), Map.of("otlp", 42L)));
        assertTrue(text.contains("ioguard_events_retried_total{sink=\"otlp\"} 42.0"), text);
        assertTrue(text.contains("ioguard_events_retried_total{sink=\"stdout\"} 0.0"), text);
        assertTrue(text.contains("ioguard_events_dropped_total{reason=\"queue_full\",sink=\"otlp\"} 2.0"), text);
        assertTrue(text.contains("ioguard_events_dropped_total{reason=\"export_failed\",sink=\"otlp\"} 1.0"), text);
    }

    @Test
    void failedOtlpMetricExportsAreCountedWhileOtlpMetricsAreExported() throws Exception {
        String on = text(new SelfSnapshot(List.of(), 0, 0, List.of(), Map.of(), Map.of(),
                OptionalLong.of(3)));
        assertTrue(on.contains("ioguard_otlp_metric_exports_failed_total 3.0"), on);
        String off = text(new SelfSnapshot(List.of(), 0, 0, List.of(), Map.of(), Map.of()));
        assertFalse(off.contains("ioguard_otlp_metric_exports_failed"), off);
    }
}
