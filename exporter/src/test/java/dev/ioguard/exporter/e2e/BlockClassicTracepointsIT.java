package dev.ioguard.exporter.e2e;

import static dev.ioguard.exporter.testsupport.DiskHistograms.DEPTH;
import static dev.ioguard.exporter.testsupport.DiskHistograms.QUEUE;
import static dev.ioguard.exporter.testsupport.DiskHistograms.SERVICE;
import static dev.ioguard.exporter.testsupport.DiskHistograms.SIZE;
import static dev.ioguard.exporter.testsupport.DiskHistograms.TOTAL;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ioguard.exporter.testsupport.DiskStats;
import dev.ioguard.exporter.testsupport.ExporterProcess;
import dev.ioguard.exporter.testsupport.Fio;
import dev.ioguard.exporter.testsupport.KernelAssumptions;
import dev.ioguard.exporter.testsupport.KernelCounts;
import dev.ioguard.exporter.testsupport.KernelMatrix;
import dev.ioguard.exporter.testsupport.LoopDevice;
import dev.ioguard.exporter.testsupport.PrometheusText;
import dev.ioguard.exporter.testsupport.Root;
import dev.ioguard.exporter.testsupport.Scrape;
import dev.ioguard.exporter.testsupport.ServiceTimeTracer;
import dev.ioguard.exporter.testsupport.Tracefs;
import dev.ioguard.exporter.testsupport.Zram;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The block programs on classic tracepoints (--block.tracepoints=classic, and what auto chooses on a
 * kernel without BTF), held to the contract of the tp_btf ones where it holds: operations and bytes
 * equal the /proc/diskstats delta, on zram exactly and on a loop device short by at most the
 * completions the kernel skipped (counted as misses of the completion hook); histogram counts equal
 * operations but for those untimed (counted as no_issue_seen); service sums agree with an
 * independent tracer.
 */
class BlockClassicTracepointsIT {
    private static final String CLASSIC = "--block.tracepoints=classic";

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
                ExporterProcess exporter = ExporterProcess.start(CLASSIC)) {
            exporter.awaitReady(Duration.ofSeconds(30));
            String health = exporter.get("/healthz").body();
            for (String hook : List.of("live tracepoint/block/block_rq_insert",
                    "live tracepoint/block/block_rq_issue", "live tracepoint/block/block_rq_complete",
                    "live tracepoint/block/block_bio_queue", "live tracepoint/block/block_bio_complete",
                    "live tracepoint/block/block_rq_error",
                    "not_used tp_btf/block_rq_issue (disk request issue): forced by --block.tracepoints=classic")) {
                assertTrue(health.contains(hook), hook + " in:\n" + health);
            }
            assertTrue(!health.contains("live tp_btf/block_"), health);
            assertEquals(1, PrometheusText.counter(exporter.get("/metrics").body(), "ioguard_hook_live",
                    Map.of("hook", "tracepoint/block/block_rq_issue", "purpose", "disk request issue",
                            "state", "live")));

            List<String> devices = List.of(loop.name(), zram.name());
            Scrape before = Scrape.whenIdle(exporter, devices);
            Fio.run(loop.device().toString(), "randrw", "4k", 8, 2, "--size=32m");
            Fio.run(zram.device().toString(), "randrw", "4k", 8, 2, "--size=32m");
            Fio.run(zram.device().toString(), "write", "64k", 4, 1, "--size=32m");
            Scrape after = Scrape.whenIdle(exporter, devices);
            long misses = completionMisses(after) - completionMisses(before);
            long untimed = unaccounted(after, "no_issue_seen") - unaccounted(before, "no_issue_seen");
            System.out.printf("classic: %d completion misses, %d completions without an issue seen%n",
                    misses, untimed);

            // zram is bio-based: its only hooks are block_bio_queue/complete, and they match exactly.
            DiskStats z = after.disks().get(zram.name()).minus(before.disks().get(zram.name()));
            assertTrue(z.readsCompleted() > 1000 && z.writesCompleted() > 1000, "zram did IO: " + z);
            String zn = zram.name();
            assertEquals(z.readsCompleted(), delta(before, after, zn, "read"), "zram reads");
            assertEquals(z.writesCompleted(), delta(before, after, zn, "write"), "zram writes");
            assertEquals(z.sectorsRead() * 512, after.bytes(zn, "read") - before.bytes(zn, "read"));
            assertEquals(z.sectorsWritten() * 512, after.bytes(zn, "write") - before.bytes(zn, "write"));
            for (String direction : List.of("read", "write")) {
                long ops = delta(before, after, zn, direction);
                assertEquals(ops, after.count(TOTAL, zn, direction) - before.count(TOTAL, zn, direction),
                        "zram total " + direction);
                assertEquals(ops, after.count(SIZE, zn, direction) - before.count(SIZE, zn, direction),
                        "zram size " + direction);
                assertEquals(0, after.count(SERVICE, zn, direction), "zram has no service stage");
            }

            // The loop device is blk-mq: requests keyed by (disk, sector).
            DiskStats l = after.disks().get(loop.name()).minus(before.disks().get(loop.name()));
            String ln = loop.name();
            assertTrue(l.readsCompleted() > 1000 && l.writesCompleted() > 1000, "loop did IO: " + l);
            KernelCounts.assertCountedClassic(l.readsCompleted(), delta(before, after, ln, "read"),
                    misses, 1, "loop reads; " + after.lossCounters());
            KernelCounts.assertCountedClassic(l.writesCompleted(), delta(before, after, ln, "write"),
                    misses, 1, "loop writes; " + after.lossCounters());
            KernelCounts.assertCountedClassic(l.sectorsRead() * 512,
                    after.bytes(ln, "read") - before.bytes(ln, "read"), misses, 4096, "loop bytes read");
            KernelCounts.assertCountedClassic(l.sectorsWritten() * 512,
                    after.bytes(ln, "write") - before.bytes(ln, "write"), misses, 4096,
                    "loop bytes written");
            for (String direction : List.of("read", "write")) {
                long ops = delta(before, after, ln, direction);
                for (String h : List.of(SERVICE, QUEUE, SIZE, DEPTH)) {
                    long timed = after.count(h, ln, direction) - before.count(h, ln, direction);
                    assertTrue(timed <= ops && ops - timed <= untimed,
                            h + " " + direction + ": " + timed + " of " + ops + " timed, " + untimed
                                    + " untimed in all");
                }
                // Each 4 KiB bio is one request: the request's completion ends it.
                long bios = after.count(TOTAL, ln, direction) - before.count(TOTAL, ln, direction);
                assertTrue(bios >= ops - misses - untimed && bios <= ops,
                        "total " + direction + ": " + bios + " bios for " + ops + " requests");
            }
            assertEquals(after.count(SIZE, ln, "read") - before.count(SIZE, ln, "read"),
                    after.bucket(SIZE, ln, "read", "4096.0") - after.bucket(SIZE, ln, "read", "2048.0")
                            - before.bucket(SIZE, ln, "read", "4096.0")
                            + before.bucket(SIZE, ln, "read", "2048.0"),
                    "4 KiB requests in the 4096 bucket");
        }
    }

    @Test
    void serviceTimeSumsAgreeWithAnIndependentTracer() throws Exception {
        KernelAssumptions.requireProgram("bpftrace");
        try (LoopDevice loop = LoopDevice.builder().sizeMiB(64).directIo(true).in(Path.of("/var/tmp"))
                        .create();
                Tracefs tracefs = Tracefs.ensureMounted();
                ExporterProcess exporter = ExporterProcess.start(CLASSIC)) {
            exporter.awaitReady(Duration.ofSeconds(30));
            String ln = loop.name();
            Scrape before = Scrape.whenIdle(exporter, List.of(ln));
            ServiceTimeTracer.Totals traced;
            Scrape after;
            try (ServiceTimeTracer tracer = ServiceTimeTracer.start(loop.major(), loop.minor())) {
                Fio.run(loop.device().toString(), "randwrite", "16k", 8, 2, "--size=32m");
                after = Scrape.whenIdle(exporter, List.of(ln));
                traced = tracer.stop();
            }
            long n = after.count(SERVICE, ln, "write") - before.count(SERVICE, ln, "write");
            double ours = after.sum(SERVICE, ln, "write") - before.sum(SERVICE, ln, "write");
            double theirs = traced.sumNs() / 1e9;
            System.out.printf("classic service: ioguard %d requests %.6f s, bpftrace %d requests %.6f s%n",
                    n, ours, traced.requests(), theirs);
            assertTrue(n > 500, "requests timed: " + n);
            // Both consume the same tracepoints, so a skipped completion is skipped for both.
            assertEquals(traced.requests(), n, 1 + n / 1000.0, "requests timed by both");
            assertEquals(theirs, ours, theirs * 0.01, "service time sum, seconds");
        }
    }

    @Test
    @Tag(KernelMatrix.TAG)
    void withoutKernelBtfAutoFallsBackToClassicTracepoints() throws Exception {
        KernelAssumptions.requireProgram("unshare");
        // A private mount namespace where /sys/kernel/btf is an empty tmpfs: libbpf finds no kernel
        // BTF (and none under /boot or /lib/modules here), as on a kernel built without it.
        KernelAssumptions.require(!Files.exists(Path.of("/boot/vmlinux-" + uname())),
                "/boot/vmlinux-" + uname() + " would give libbpf BTF");
        List<String> noBtf = List.of("unshare", "--mount", "--propagation", "private", "--", "sh", "-c",
                "mount -t tmpfs ioguard-no-btf /sys/kernel/btf && exec \"$@\"", "sh");
        try (LoopDevice loop = LoopDevice.builder().sizeMiB(64).directIo(false).in(Path.of("/var/tmp"))
                        .create();
                ExporterProcess exporter = ExporterProcess.startUnder(noBtf, Map.of())) {
            exporter.awaitReady(Duration.ofSeconds(30));
            String health = exporter.get("/healthz").body();
            for (String hook : List.of("live tracepoint/block/block_rq_issue",
                    "live tracepoint/block/block_rq_complete", "live tracepoint/block/block_bio_queue",
                    "live tracepoint/syscalls/sys_enter_mount",
                    "not_used tp_btf/block_rq_issue (disk request issue): no kernel BTF",
                    "failed fs_events (ext4/xfs errors and shutdowns): needs kernel BTF")) {
                assertTrue(health.contains(hook), hook + " in:\n" + health);
            }
            assertTrue(health.startsWith("degraded"), "the filesystem hooks are missing: " + health);

            String ln = loop.name();
            Scrape before = Scrape.whenIdle(exporter, List.of(ln));
            Fio.run(loop.device().toString(), "randread", "4k", 4, 1, "--size=32m");
            Scrape after = Scrape.whenIdle(exporter, List.of(ln));
            DiskStats l = after.disks().get(ln).minus(before.disks().get(ln));
            assertTrue(l.readsCompleted() > 500, "loop did IO: " + l);
            long misses = completionMisses(after) - completionMisses(before);
            KernelMatrix.note("classic without BTF: diskstats " + l.readsCompleted() + " reads, ioguard "
                    + delta(before, after, ln, "read") + ", completion misses " + misses
                    + "; block_rq_issue " + issueFormat());
            KernelCounts.assertCountedClassic(l.readsCompleted(), delta(before, after, ln, "read"),
                    misses, 1, "loop reads without BTF; " + after.lossCounters());
        }
    }

    /** The fields of this kernel's block_rq_issue that moved between versions (for the matrix notes). */
    private static String issueFormat() throws Exception {
        try (Tracefs tracefs = Tracefs.ensureMounted()) {
            return Files.readAllLines(tracefs.events().resolve("block/block_rq_issue/format")).stream()
                    .map(String::strip).filter(l -> l.startsWith("field:")
                            && (l.contains("rwbs") || l.contains("ioprio")))
                    .reduce((a, b) -> a + " " + b).orElse("?");
        }
    }

    private static String uname() throws Exception {
        return new String(new ProcessBuilder("uname", "-r").start().getInputStream().readAllBytes()).strip();
    }

    private static long delta(Scrape before, Scrape after, String device, String direction) {
        return after.ops(device, direction) - before.ops(device, direction);
    }

    private static long completionMisses(Scrape s) {
        return PrometheusText.counter(s.metrics(), "ioguard_bpf_program_misses_total",
                Map.of("hook", "tracepoint/block/block_rq_complete", "purpose", "disk request completion"));
    }

    private static long unaccounted(Scrape s, String reason) {
        return PrometheusText.counter(s.metrics(), "ioguard_block_requests_unaccounted_total",
                Map.of("reason", reason));
    }
}
