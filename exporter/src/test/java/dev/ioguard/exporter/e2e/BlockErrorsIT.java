package dev.ioguard.exporter.e2e;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ioguard.exporter.testsupport.Command;
import dev.ioguard.exporter.testsupport.ExporterProcess;
import dev.ioguard.exporter.testsupport.KernelAssumptions;
import dev.ioguard.exporter.testsupport.LoopDevice;
import dev.ioguard.exporter.testsupport.Mount;
import dev.ioguard.exporter.testsupport.PrometheusText;
import dev.ioguard.exporter.testsupport.Root;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Real block-layer IO errors, as in the incident: a direct-IO loop device whose backing file lives
 * on an xfs that is then shut down. Requests to the upper device fail with EIO: counted by device
 * and error type, and each one is a disk.request.error event with its sector.
 */
class BlockErrorsIT {
    @Test
    void failedRequestsAreCountedByErrorTypeAndReportedWithTheirSector() throws Exception {
        Root.require();
        KernelAssumptions.requireProgram("mkfs.xfs");
        KernelAssumptions.requireProgram("xfs_io");
        try (LoopDevice lower = LoopDevice.create(320, false)) {
            lower.mkfs("xfs");
            try (Mount xfs = lower.mount("");
                    ExporterProcess exporter = ExporterProcess.start()) {
                exporter.awaitReady(Duration.ofSeconds(30));
                Path image = xfs.mountPoint().resolve("upper.img");
                Command.run("truncate", "-s", "64M", image.toString());
                String upper = Command.run("losetup", "--find", "--show", "--direct-io=on",
                        image.toString()).strip();
                String name = upper.substring("/dev/".length());
                try {
                    Command.run("xfs_io", "-x", "-c", "shutdown", xfs.mountPoint().toString());
                    Command.Result write = Command.exec("dd", "if=/dev/zero", "of=" + upper, "bs=4k",
                            "count=4", "oflag=direct", "status=none");
                    assertTrue(!write.succeeded(), "writes to the upper device must fail: " + write);

                    String line = nextEvent(exporter, "disk.request.error", Duration.ofSeconds(2));
                    assertNotNull(line, "no disk.request.error event; stderr: " + exporter.stderr());
                    assertTrue(line.contains("\"device\":\"" + name + "\""), line);
                    assertTrue(line.contains("\"error_type\":\"io\"") && line.contains("\"errno\":\"EIO\""),
                            line);
                    assertTrue(line.matches(".*\"sector\":[0-9]+.*"), line);
                    assertTrue(line.contains("\"severity\":\"ERROR\""), line);

                    String metrics = exporter.get("/metrics").body();
                    long errors = PrometheusText.counter(metrics, "ioguard_disk_request_errors_total",
                            Map.of("system_device", name, "disk_io_direction", "write", "error_type", "io"));
                    assertTrue(errors >= 1, "write errors counted: " + errors + "\n" + metrics);
                } finally {
                    Command.exec("losetup", "-d", upper);
                }
            }
        }
    }

    private static String nextEvent(ExporterProcess exporter, String event, Duration within)
            throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < deadline) {
            String line = exporter.nextStdoutLine(Duration.ofMillis(100));
            if (line != null && line.contains("\"event\":\"" + event + "\"")) {
                return line;
            }
        }
        return null;
    }
}
