package dev.ioguard.exporter.e2e;

import static dev.ioguard.exporter.testsupport.DiskHistograms.DEPTH;
import static dev.ioguard.exporter.testsupport.DiskHistograms.QUEUE;
import static dev.ioguard.exporter.testsupport.DiskHistograms.SERVICE;
import static dev.ioguard.exporter.testsupport.DiskHistograms.SIZE;
import static dev.ioguard.exporter.testsupport.DiskHistograms.TOTAL;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ioguard.exporter.testsupport.DiskStats;
import dev.ioguard.exporter.testsupport.ExporterProcess;
import dev.ioguard.exporter.testsupport.Fio;
import dev.ioguard.exporter.testsupport.KernelAssumptions;
import dev.ioguard.exporter.testsupport.KernelCounts;
import dev.ioguard.exporter.testsupport.LoopDevice;
import dev.ioguard.exporter.testsupport.Root;
import dev.ioguard.exporter.testsupport.Scrape;
import dev.ioguard.exporter.testsupport.Zram;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Block metrics against the kernel's own counters, on a blk-mq device (loop, direct IO over a file
 * on the host disk) and a bio-based one (zram): operations and bytes equal the /proc/diskstats
 * delta per direction; every completed IO is in every histogram of its stages.
 */
class BlockMetricsIT {
    @BeforeEach
    void requirements() {
        Root.require();
        KernelAssumptions.requireProgram("fio");
    }

    @Test
    void countsEqualDiskstatsOnALoopDeviceAndOnZram() throws Exception {
        KernelAssumptions.require(Zram.available(), "zram is not available (/sys/class/zram-control)");
        try (LoopDevice loop = LoopDevice.builder().sizeMiB(64).directIo(false).in(Path.of("/var/tmp"))
                        .create();
                Zram zram = Zram.create(64);
                ExporterProcess exporter = ExporterProcess.start()) {
            exporter.awaitReady(Duration.ofSeconds(30));
            List<String> devices = List.of(loop.name(), zram.name());
            Scrape before = Scrape.whenIdle(exporter, devices);
            Fio.run(loop.device().toString(), "randrw", "4k", 8, 2, "--size=32m");
            Fio.run(zram.device().toString(), "randrw", "4k", 8, 2, "--size=32m");
            Fio.run(zram.device().toString(), "write", "64k", 4, 1, "--size=32m");
            Scrape after = Scrape.whenIdle(exporter, devices);

            for (String device : devices) {
                DiskStats kernel = after.disks().get(device).minus(before.disks().get(device));
                assertTrue(kernel.readsCompleted() > 1000 && kernel.writesCompleted() > 1000,
                        device + " did IO: " + kernel);
                KernelCounts.assertCounted(kernel.readsCompleted(), delta(before, after, device, "read"),
                        device + " reads; " + after.lossCounters());
                KernelCounts.assertCounted(kernel.writesCompleted(), delta(before, after, device, "write"),
                        device + " writes; " + after.lossCounters());
                KernelCounts.assertCounted(kernel.sectorsRead() * 512, after.bytes(device, "read")
                        - before.bytes(device, "read"), device + " bytes read");
                KernelCounts.assertCounted(kernel.sectorsWritten() * 512, after.bytes(device, "write")
                        - before.bytes(device, "write"), device + " bytes written");
            }
            // blk-mq: every request passes every request stage once.
            for (String direction : List.of("read", "write")) {
                long ops = delta(before, after, loop.name(), direction);
                for (String h : List.of(SERVICE, QUEUE, SIZE, DEPTH)) {
                    KernelCounts.assertTimed(ops, after.count(h, loop.name(), direction)
                            - before.count(h, loop.name(), direction), h + " " + direction);
                }
                assertTrue(after.count(TOTAL, loop.name(), direction) >= ops, "every bio timed");
            }
            // zram is bio-based: no request stage; total latency and size per bio, as diskstats counts.
            for (String direction : List.of("read", "write")) {
                long ops = delta(before, after, zram.name(), direction);
                assertEquals(ops, after.count(TOTAL, zram.name(), direction)
                        - before.count(TOTAL, zram.name(), direction), "zram total " + direction);
                assertEquals(ops, after.count(SIZE, zram.name(), direction)
                        - before.count(SIZE, zram.name(), direction), "zram size " + direction);
                assertEquals(0, after.count(SERVICE, zram.name(), direction), "zram has no service stage");
            }
            // 4 KiB requests: the size histogram's 4096 bucket (upper-inclusive) holds them all.
            assertEquals(after.count(SIZE, loop.name(), "read"),
                    after.bucket(SIZE, loop.name(), "read", "4096.0")
                            - after.bucket(SIZE, loop.name(), "read", "2048.0"));
        }
    }

    private static long delta(Scrape before, Scrape after, String device, String direction) {
        return after.ops(device, direction) - before.ops(device, direction);
    }

    @Test
    void aDiskIncludesItsPartitionsAndEachPartitionHasItsOwnSeries() throws Exception {
        KernelAssumptions.requireProgram("partx");
        try (LoopDevice loop = LoopDevice.builder().sizeMiB(64).partitions(2).in(Path.of("/var/tmp"))
                        .create();
                ExporterProcess exporter = ExporterProcess.start()) {
            exporter.awaitReady(Duration.ofSeconds(30));
            String disk = loop.name();
            String p1 = loop.partitionName(1);
            String p2 = loop.partitionName(2);
            List<String> devices = List.of(disk, p1, p2);
            Scrape before = Scrape.whenIdle(exporter, devices);
            Fio.run("/dev/" + p1, "randread", "4k", 4, 1, "--size=16m");
            Fio.run("/dev/" + p2, "randwrite", "4k", 4, 1, "--size=16m");
            Scrape after = Scrape.whenIdle(exporter, devices);
            StringBuilder table = new StringBuilder();
            for (String device : devices) {
                DiskStats kernel = after.disks().get(device).minus(before.disks().get(device));
                table.append(String.format("%s reads %d/%d writes %d/%d; ", device,
                        kernel.readsCompleted(), delta(before, after, device, "read"),
                        kernel.writesCompleted(), delta(before, after, device, "write")));
            }
            for (String device : devices) {
                DiskStats kernel = after.disks().get(device).minus(before.disks().get(device));
                KernelCounts.assertCounted(kernel.readsCompleted(), delta(before, after, device, "read"),
                        "diskstats/ioguard: " + table + after.lossCounters());
                KernelCounts.assertCounted(kernel.writesCompleted(), delta(before, after, device, "write"),
                        "diskstats/ioguard: " + table + after.lossCounters());
            }
            long p1Reads = delta(before, after, p1, "read");
            assertTrue(p1Reads > 100, "reads on " + p1 + ": " + p1Reads);
            assertEquals(p1Reads + delta(before, after, p2, "read"), delta(before, after, disk, "read"));
            assertEquals(delta(before, after, p1, "write") + delta(before, after, p2, "write"),
                    delta(before, after, disk, "write"));
        }
    }

    @Test
    void aDetachedDevicesSeriesDisappearAtTheNextCollection() throws Exception {
        try (ExporterProcess exporter = ExporterProcess.start()) {
            exporter.awaitReady(Duration.ofSeconds(30));
            String name;
            try (LoopDevice loop = LoopDevice.create(16, true)) {
                name = loop.name();
                Fio.run(loop.device().toString(), "randread", "4k", 1, 1, "--size=8m");
                String metrics = Scrape.whenIdle(exporter, List.of(name)).metrics();
                assertTrue(metrics.contains("system_device=\"" + name + "\""), metrics);
            }
            String metrics = exporter.get("/metrics").body();
            assertFalse(metrics.contains("system_device=\"" + name + "\""), metrics);
        }
    }
}
