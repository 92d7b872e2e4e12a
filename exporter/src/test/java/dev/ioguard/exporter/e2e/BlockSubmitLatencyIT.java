package dev.ioguard.exporter.e2e;

import static dev.ioguard.exporter.testsupport.DiskHistograms.SERVICE;
import static dev.ioguard.exporter.testsupport.DiskHistograms.TOTAL;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ioguard.exporter.testsupport.ExporterProcess;
import dev.ioguard.exporter.testsupport.KernelAssumptions;
import dev.ioguard.exporter.testsupport.KernelMatrix;
import dev.ioguard.exporter.testsupport.LoopDevice;
import dev.ioguard.exporter.testsupport.Root;
import dev.ioguard.exporter.testsupport.Scrape;
import dev.ioguard.exporter.testsupport.WriteThrottle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * blk-throttle holds a bio before block_bio_queue fires, so the total latency contains a cgroup's
 * IO limit on the device itself only where fentry/submit_bio starts it. Where the kernel allows
 * fentry, the writes' total time must contain the throttle's wait; where it refuses it (EPERM on
 * this machine), /healthz must say so and which definition is in force, and the total must not.
 */
@Tag(KernelMatrix.TAG)
class BlockSubmitLatencyIT {
    private static final long CAP_BYTES_PER_SECOND = 256 * 1024;

    @Test
    void totalLatencyContainsAThrottleWaitExactlyWhereFentryOnSubmitBioIsLive() throws Exception {
        Root.require();
        KernelAssumptions.require(Files.isReadable(Path.of("/sys/kernel/btf/vmlinux")),
                "kernel has no BTF (/sys/kernel/btf/vmlinux)");
        KernelAssumptions.require(WriteThrottle.available(),
                "neither cgroup v1 blkio nor cgroup v2 with the io controller at /sys/fs/cgroup");
        try (LoopDevice loop = LoopDevice.builder().sizeMiB(16).directIo(false).in(Path.of("/var/tmp"))
                        .create();
                WriteThrottle cap = WriteThrottle.writeBps(loop.devNumber(), CAP_BYTES_PER_SECOND);
                ExporterProcess exporter = ExporterProcess.start()) {
            exporter.awaitReady(Duration.ofSeconds(60));
            String health = exporter.get("/healthz").body();
            boolean fromSubmit = health.lines().anyMatch(l -> l.startsWith("live fentry/submit_bio ("));
            if (!fromSubmit) {
                assertTrue(health.lines().anyMatch(l -> l.startsWith("not_used fentry/submit_bio (")
                        && l.endsWith("total latency in force: bio queued (after blk-throttle) -> completed")),
                        "the fentry hook is live, or not used with the definition in force:\n" + health);
            }
            KernelMatrix.note("fentry/submit_bio " + (fromSubmit ? "live" : "not used: "
                    + health.lines().filter(l -> l.contains("fentry/submit_bio")).findFirst().orElse("")));
            // The guests' 6.1 kernels attach it (measured; it takes one argument, while the fentry
            // they refuse, ext4_handle_error, takes 7): there it must be live.
            KernelMatrix.kernelName().ifPresent(kernel -> assertTrue(fromSubmit,
                    "fentry/submit_bio live on " + kernel + ":\n" + health));

            String d = loop.name();
            Scrape before = Scrape.whenIdle(exporter, List.of(d));
            // 1 MiB in 64 KiB direct writes, one at a time, through a 256 KiB/s cap: about 4 s, almost
            // all of it spent held by blk-throttle before block_bio_queue.
            long start = System.nanoTime();
            Process dd = new ProcessBuilder(cap.command(List.of("dd", "if=/dev/zero",
                    "of=" + loop.device(), "bs=64k", "count=16", "oflag=direct", "status=none")))
                    .redirectErrorStream(true).start();
            assertTrue(dd.waitFor(120, TimeUnit.SECONDS), "dd finished");
            double wall = (System.nanoTime() - start) / 1e9;
            assertEquals(0, dd.exitValue(), new String(dd.getInputStream().readAllBytes()));
            Scrape after = Scrape.whenIdle(exporter, List.of(d));

            long writes = after.ops(d, "write") - before.ops(d, "write");
            double total = after.sum(TOTAL, d, "write") - before.sum(TOTAL, d, "write");
            double service = after.sum(SERVICE, d, "write") - before.sum(SERVICE, d, "write");
            System.out.printf("fentry/submit_bio %s: dd %.2f s, %d writes, total %.3f s, service %.3f s%n",
                    fromSubmit ? "live" : "not used", wall, writes, total, service);
            KernelMatrix.note(String.format("submit latency: dd %.2f s, %d writes, total sum %.3f s,"
                    + " service sum %.3f s", wall, writes, total, service));
            assertTrue(writes >= 16, "writes " + writes);
            assertTrue(wall >= 2, "the cap held the writes: dd took " + wall + " s");
            assertTrue(service < 0.3 * wall, "the device itself is fast: service " + service + " s");
            if (fromSubmit) {
                // dd writes one bio at a time, so the bios' total times add up to most of its run.
                assertTrue(total >= 0.7 * wall, "total " + total + " s contains the throttle wait of a "
                        + wall + " s run");
            } else {
                assertTrue(total < 0.3 * wall, "total " + total + " s starts after the throttle wait of a "
                        + wall + " s run");
            }
        }
    }
}
