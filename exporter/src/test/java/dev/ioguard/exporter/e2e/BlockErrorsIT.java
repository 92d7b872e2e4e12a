package dev.ioguard.exporter.e2e;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ioguard.exporter.testsupport.Command;
import dev.ioguard.exporter.testsupport.ExporterProcess;
import dev.ioguard.exporter.testsupport.KernelMatrix;
import dev.ioguard.exporter.testsupport.PrometheusText;
import dev.ioguard.exporter.testsupport.Root;
import dev.ioguard.exporter.testsupport.XfsBackedLoop;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Real block-layer IO errors, as in the incident: a direct-IO loop device whose backing file lives
 * on an xfs that is then shut down. Requests to the upper device fail with EIO: counted by device
 * and error type, and each one is a disk.request.error event with its sector.
 */
@Tag(KernelMatrix.TAG)
class BlockErrorsIT {
    @Test
    void failedRequestsAreCountedByErrorTypeAndReportedWithTheirSector() throws Exception {
        Root.require();
        try (XfsBackedLoop volume = XfsBackedLoop.create(64);
                ExporterProcess exporter = ExporterProcess.start()) {
            exporter.awaitReady(Duration.ofSeconds(30));
            String name = volume.upperName();
            volume.shutDownLower();
            Command.Result write = Command.exec("dd", "if=/dev/zero", "of=" + volume.upperDevice(),
                    "bs=4k", "count=4", "oflag=direct", "status=none");
            assertTrue(!write.succeeded(), "writes to the upper device must fail: " + write);

            String line = nextEvent(exporter, "disk.request.error", name, Duration.ofSeconds(2));
            assertNotNull(line, "no disk.request.error event; stderr: " + exporter.stderr());
            assertTrue(line.contains("\"error_type\":\"io\"") && line.contains("\"errno\":\"EIO\""), line);
            assertTrue(line.matches(".*\"sector\":[0-9]+.*"), line);
            assertTrue(line.contains("\"severity\":\"ERROR\""), line);

            String metrics = exporter.get("/metrics").body();
            long errors = PrometheusText.counter(metrics, "ioguard_disk_request_errors_total",
                    Map.of("system_device", name, "disk_io_direction", "write", "error_type", "io"));
            assertTrue(errors >= 1, "write errors counted: " + errors + "\n" + metrics);
        }
    }

    /** The first line of this event for this device (the exporter watches the whole node). */
    private static String nextEvent(ExporterProcess exporter, String event, String device,
            Duration within) throws InterruptedException {
        ExporterProcess.TimedLine line = exporter.awaitLine(l -> l.contains("\"event\":\"" + event + "\"")
                && l.contains("\"device\":\"" + device + "\""), within);
        return line == null ? null : line.text();
    }
}
