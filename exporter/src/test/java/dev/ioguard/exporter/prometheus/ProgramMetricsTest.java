package dev.ioguard.exporter.prometheus;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ioguard.exporter.snapshot.ProgramRun;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProgramMetricsTest {
    private static final List<ProgramRun> RUNS = List.of(
            new ProgramRun("tp_btf/block_rq_issue", "disk request issue", 2_500_000_000L, 1000, 3));

    private static String text(boolean statsEnabled) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrometheusTextFormatWriter.create().write(out,
                new ProgramMetrics(() -> RUNS, () -> statsEnabled).collect());
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void missesAreAlwaysExportedBecauseTheyAreLosses() throws IOException {
        String text = text(false);
        assertTrue(text.contains("ioguard_bpf_program_misses_total{hook=\"tp_btf/block_rq_issue\","
                + "purpose=\"disk request issue\"} 3.0"), text);
        assertFalse(text.contains("ioguard_bpf_program_runs_total"), text);
    }

    @Test
    void runCountAndTimeOnlyWhileTheKernelKeepsThem() throws IOException {
        String text = text(true);
        assertTrue(text.contains("ioguard_bpf_program_runs_total{hook=\"tp_btf/block_rq_issue\","
                + "purpose=\"disk request issue\"} 1000.0"), text);
        assertTrue(text.contains("ioguard_bpf_program_run_seconds_total{hook=\"tp_btf/block_rq_issue\","
                + "purpose=\"disk request issue\"} 2.5"), text);
    }
}
