package dev.ioguard.exporter.block;

import dev.ioguard.bpf.BpfMap;
import dev.ioguard.exporter.bpf.LoadedObject;
import dev.ioguard.exporter.devices.BlockDevice;
import dev.ioguard.exporter.devices.DeviceNumbers;
import dev.ioguard.exporter.devices.DeviceTable;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The bio-stage block program (bpf/block_bios.bpf.c): total latency on every device, and the
 * operations diskstats counts on bio-based devices. Reads may come from any thread.
 */
public final class BlockBioProbe implements AutoCloseable {
    static final String OBJECT = "block_bios";
    /** The total-latency definitions, for /healthz: one is in force, the fentry hook's line says which. */
    public static final String SUBMITTED = "bio submitted (before blk-throttle) -> completed";
    public static final String QUEUED = "bio queued (after blk-throttle) -> completed";
    static final String FENTRY_PROGRAM = "submit_bio";
    /** struct bio_inflight: queue_ns at 0, submit_ns at 32. */
    private static final int INFLIGHT_QUEUE_NS = 0;
    private static final int INFLIGHT_SUBMIT_NS = 32;

    private final LoadedObject object;
    private final boolean classic;
    private final boolean fromSubmit;
    private final StatsMap stats;
    private final InflightAging aging;

    private BlockBioProbe(BlockObjectLoader.Loaded loaded) {
        this.object = loaded.object();
        this.classic = loaded.classic();
        this.fromSubmit = loaded.optionalLive().contains(FENTRY_PROGRAM);
        this.stats = new StatsMap(object.map("bio_stats"), StatsLayout.BIOS);
        // A bio submitted but never queued (failed early) has only submit_ns: aged out by it.
        this.aging = new InflightAging(object.map("bio_inflight"), INFLIGHT_QUEUE_NS, INFLIGHT_SUBMIT_NS);
    }

    /**
     * Loads and attaches on the tracepoints {@code loader} chooses, with the optional
     * fentry/submit_bio program where the kernel allows it.
     */
    public static BlockBioProbe start(BlockObjectLoader loader) {
        BlockBioProbe probe = new BlockBioProbe(loader.load(OBJECT, spec -> { }, (spec, layout) -> { },
                Map.of(FENTRY_PROGRAM, "disk total latency start: " + SUBMITTED,
                        "block_bio_queue", "disk total latency start: " + QUEUED
                                + ", unless fentry/submit_bio is live",
                        "block_bio_complete", "disk total latency end (bio-based devices)",
                        "block_rq_complete", "disk total latency end (blk-mq devices)"),
                List.of(new BlockObjectLoader.OptionalProgram(FENTRY_PROGRAM,
                        "total latency in force: " + QUEUED))));
        try {
            probe.syncPartitions(DeviceTable.read());
        } catch (RuntimeException e) {
            probe.close();
            throw e;
        }
        return probe;
    }

    /** The definition of total latency in force. */
    public String totalDefinition() {
        return fromSubmit ? SUBMITTED : QUEUED;
    }

    /**
     * The classic programs key bios by their whole disk, as requests name it, through the
     * part_disk table: brings it up to date with the partitions in {@code devices}. No-op on
     * tp_btf, whose programs read the disk from the bio.
     */
    void syncPartitions(DeviceTable devices) {
        if (!classic) {
            return;
        }
        BpfMap partDisk = object.map("part_disk");
        Map<Integer, Integer> wanted = new HashMap<>();
        for (BlockDevice d : devices.all()) {
            devices.wholeDisk(d).filter(disk -> !disk.equals(d)).ifPresent(disk ->
                    wanted.put(kernelDev(d), kernelDev(disk)));
        }
        for (BpfMap.Entry e : partDisk.entries()) {
            int part = ByteBuffer.wrap(e.key()).order(ByteOrder.nativeOrder()).getInt(0);
            if (!wanted.containsKey(part)) {
                partDisk.delete(e.key());
            }
        }
        wanted.forEach((part, disk) -> partDisk.update(nativeInt(part), nativeInt(disk),
                BpfMap.UPDATE_ANY));
    }

    private static int kernelDev(BlockDevice d) {
        return (int) DeviceNumbers.kernelDevT(d.major(), d.minor());
    }

    private static byte[] nativeInt(int value) {
        return ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(value).array();
    }

    List<StatsEntry> read() {
        return stats.read();
    }

    void forget(StatsEntry entry) {
        stats.forget(entry);
    }

    void ageInflight(long nowNs, long maxAgeNs) {
        aging.removeOlderThan(nowNs, maxAgeNs);
    }

    public Map<String, Long> unaccounted() {
        Map<String, Long> counts = new LinkedHashMap<>();
        counts.put("bio_inflight_map_full", object.perCpuCounter("bio_self_stats", 0));
        counts.put("bio_stats_map_full", object.perCpuCounter("bio_self_stats", 1));
        // classic tracepoints only: a completion that named no queued (device, sector)
        counts.put("bio_completion_unmatched", object.perCpuCounter("bio_self_stats", 2));
        counts.put("bio_aged_out", aging.removed());
        return counts;
    }

    @Override
    public void close() {
        object.close();
    }
}
