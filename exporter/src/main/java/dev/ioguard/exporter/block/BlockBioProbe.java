package dev.ioguard.exporter.block;

import dev.ioguard.exporter.bpf.LoadedObject;
import dev.ioguard.exporter.hooks.HookRegistry;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The bio-stage block program (bpf/block_bios.bpf.c): total latency on every device, and the
 * operations diskstats counts on bio-based devices. Reads may come from any thread.
 */
public final class BlockBioProbe implements AutoCloseable {
    static final String OBJECT = "block_bios";
    /** The total-latency definition in force, for /healthz. */
    public static final String TOTAL_DEFINITION = "bio queued (after blk-throttle) -> completed";

    private final LoadedObject object;
    private final StatsMap stats;
    private final InflightAging aging;

    private BlockBioProbe(LoadedObject object) {
        this.object = object;
        this.stats = new StatsMap(object.map("bio_stats"), StatsLayout.BIOS);
        this.aging = new InflightAging(object.map("bio_inflight"), 0);
    }

    public static BlockBioProbe start(HookRegistry hooks) {
        return new BlockBioProbe(LoadedObject.load(OBJECT, spec -> { },
                Map.of("block_bio_queue", "disk total latency start: " + TOTAL_DEFINITION,
                        "block_bio_complete", "disk total latency end (bio-based devices)",
                        "block_rq_complete", "disk total latency end (blk-mq devices)"),
                hooks));
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
        counts.put("bio_aged_out", aging.removed());
        return counts;
    }

    @Override
    public void close() {
        object.close();
    }
}
