package dev.ioguard.exporter.e2e;

import static dev.ioguard.exporter.testsupport.DiskHistograms.SERVICE;
import static dev.ioguard.exporter.testsupport.DiskHistograms.TOTAL;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ioguard.exporter.testsupport.Command;
import dev.ioguard.exporter.testsupport.DiskStats;
import dev.ioguard.exporter.testsupport.ExporterProcess;
import dev.ioguard.exporter.testsupport.KernelAssumptions;
import dev.ioguard.exporter.testsupport.KernelCounts;
import dev.ioguard.exporter.testsupport.KernelMatrix;
import dev.ioguard.exporter.testsupport.LoopDevice;
import dev.ioguard.exporter.testsupport.Mount;
import dev.ioguard.exporter.testsupport.PrometheusText;
import dev.ioguard.exporter.testsupport.Root;
import dev.ioguard.exporter.testsupport.Scrape;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The exporter as a process on a real kernel: block operations it reports for a loop device equal
 * the kernel's own /proc/diskstats, per direction, and have their service and total latency
 * recorded; an ext4 error becomes a JSON event line naming the device within a second. Runs on
 * every kernel of the kernel matrix too.
 */
@Tag(KernelMatrix.TAG)
class BlockAndFilesystemIT {
    @Test
    void operationsEqualDiskstatsAndAnExt4ErrorIsAnEventWithinOneSecond() throws Exception {
        Root.require();
        KernelAssumptions.require(Files.isReadable(Path.of("/sys/kernel/btf/vmlinux")),
                "kernel has no BTF (/sys/kernel/btf/vmlinux)");
        KernelAssumptions.requireProgram("mkfs.ext4");
        try (LoopDevice loop = LoopDevice.create(64, false)) {
            // No lazy init: no background writes while the test compares counters.
            loop.mkfs("ext4", "-E", "lazy_itable_init=0,lazy_journal_init=0");
            try (Mount mount = loop.mount("errors=remount-ro");
                    ExporterProcess exporter = ExporterProcess.start()) {
                exporter.awaitReady(Duration.ofSeconds(30));
                String health = exporter.get("/healthz").body();
                assertTrue(health.startsWith("ok"), health);
                assertTrue(health.contains("live tp_btf/block_rq_issue"), health);
                // tp_btf where the kernel's BTF has the tracepoint; the classic one where ext4 is a
                // module (Debian's generic 6.1).
                assertTrue(health.contains("live tp_btf/ext4_error")
                        || health.contains("live tracepoint/ext4/ext4_error"), health);

                List<String> device = List.of(loop.name());
                Scrape before = Scrape.whenIdle(exporter, device);
                Path file = mount.mountPoint().resolve("data");
                Command.run("dd", "if=/dev/zero", "of=" + file, "bs=64k", "count=160",
                        "oflag=direct", "conv=fsync", "status=none");
                Command.run("dd", "if=" + file, "of=/dev/null", "bs=16k", "count=400",
                        "iflag=direct", "status=none");
                Command.run("sync", "-f", file.toString());
                Scrape after = Scrape.whenIdle(exporter, device);

                DiskStats kernel = after.disks().get(loop.name()).minus(before.disks().get(loop.name()));
                assertTrue(kernel.readsCompleted() >= 400 && kernel.writesCompleted() >= 160,
                        "the IO reached the device: " + kernel);
                String d = loop.name();
                KernelCounts.assertCounted(kernel.readsCompleted(),
                        after.ops(d, "read") - before.ops(d, "read"), "reads");
                KernelCounts.assertCounted(kernel.writesCompleted(),
                        after.ops(d, "write") - before.ops(d, "write"), "writes");
                KernelCounts.assertCounted(kernel.sectorsRead() * 512,
                        after.bytes(d, "read") - before.bytes(d, "read"), "bytes read");
                KernelCounts.assertCounted(kernel.sectorsWritten() * 512,
                        after.bytes(d, "write") - before.bytes(d, "write"), "bytes written");
                // Every request counted was timed (as every stage histogram counts it), and every
                // bio of those requests has its total latency (bio queued -> completed).
                for (String direction : List.of("read", "write")) {
                    long ops = after.ops(d, direction) - before.ops(d, direction);
                    KernelCounts.assertTimed(ops, after.count(SERVICE, d, direction)
                            - before.count(SERVICE, d, direction), "service histogram " + direction);
                    assertTrue(after.sum(SERVICE, d, direction) > before.sum(SERVICE, d, direction),
                            "service latency sum " + direction);
                    assertTrue(after.count(TOTAL, d, direction) - before.count(TOTAL, d, direction) >= ops,
                            "total latency " + direction);
                    assertTrue(after.sum(TOTAL, d, direction) > before.sum(TOTAL, d, direction),
                            "total latency sum " + direction);
                }

                Files.writeString(Path.of("/sys/fs/ext4", loop.name(), "trigger_fs_error"), "1");
                long triggered = System.nanoTime();
                // Skip the start-up banner, and events of other tests' devices on this node.
                ExporterProcess.TimedLine timed = exporter.awaitLine(l -> l.contains("\"event\":\"filesystem.error\"")
                        && l.contains("\"device\":\"" + loop.name() + "\""), Duration.ofSeconds(1));
                assertNotNull(timed, "no event line within 1 s; stderr: " + exporter.stderr());
                String line = timed.text();
                long delayMs = (timed.receivedNanos() - triggered) / 1_000_000;
                assertTrue(line.contains("\"event\":\"filesystem.error\""), line);
                assertTrue(line.contains("\"device\":\"" + loop.name() + "\""), line);
                assertTrue(line.contains("\"dev\":\"" + loop.devNumber() + "\""), line);
                assertTrue(line.matches(".*\"function\":\"[a-z_0-9]+\".*\"line\":[1-9][0-9]*.*"), line);
                System.out.println("ext4 error -> JSON line: " + delayMs + " ms");
                String metrics = exporter.get("/metrics").body();
                assertEquals(1, PrometheusText.counter(metrics, "ioguard_filesystem_errors_total",
                        Map.of("system_device", loop.name(), "system_filesystem_type", "ext4")));
            }
        }
    }
}
