package dev.ioguard.exporter.block;

import dev.ioguard.bpf.BpfMap;
import dev.ioguard.bpf.Collection;
import dev.ioguard.bpf.CollectionSpec;
import dev.ioguard.bpf.Features;
import dev.ioguard.bpf.Link;
import dev.ioguard.exporter.bpf.EmbeddedObjects;
import dev.ioguard.exporter.bpf.PerCpuValues;
import dev.ioguard.exporter.bpf.ProgramAttacher;
import dev.ioguard.exporter.hooks.Hook;
import dev.ioguard.exporter.hooks.HookRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The request-stage block program (bpf/block_requests.bpf.c): chooses the completion hook this
 * kernel has, loads, attaches, and reads the in-kernel aggregates. {@link #read()} and
 * {@link #forget} may be called from any thread (map syscalls); {@link #close()} once, at the end.
 */
public final class BlockRequestProbe implements AutoCloseable {
    static final String OBJECT = "block_requests";

    private final Collection collection;
    private final List<Link> links;
    private final BpfMap stats;
    private final BpfMap selfStats;

    private BlockRequestProbe(Collection collection, List<Link> links) {
        this.collection = collection;
        this.links = links;
        this.stats = collection.map("rq_stats");
        this.selfStats = collection.map("self_stats");
    }

    /** Loads and attaches; a hook the kernel refuses is recorded in {@code hooks}, not thrown. */
    public static BlockRequestProbe start(HookRegistry hooks) {
        try (CollectionSpec spec = CollectionSpec.open(OBJECT, EmbeddedObjects.read(OBJECT))) {
            // block_io_done (6.5+) fires exactly where diskstats counts; before it, the last
            // block_rq_complete of a request does.
            boolean ioDone = Features.btfTracepoint("block_io_done").status()
                    == Features.Status.SUPPORTED;
            spec.setAutoload("block_io_done", ioDone);
            spec.setAutoload("block_rq_complete", !ioDone);
            hooks.record(new Hook(ioDone ? "tp_btf/block_rq_complete" : "tp_btf/block_io_done",
                    "disk request completion", Hook.State.NOT_USED,
                    ioDone ? "block_io_done is used instead"
                            : "kernel has no block_io_done tracepoint (added in 6.5)"));
            setQueueArgFlag(spec);
            Collection collection = spec.load();
            try {
                List<Link> links = ProgramAttacher.attachAll(collection, Map.of(
                        "block_rq_issue", "disk request issue",
                        "block_io_done", "disk request completion",
                        "block_rq_complete", "disk request completion"), hooks);
                return new BlockRequestProbe(collection, links);
            } catch (RuntimeException e) {
                collection.close();
                throw e;
            }
        }
    }

    /** Before 5.11 block_rq_issue also passed the queue: tell the program from the BTF. */
    private static void setQueueArgFlag(CollectionSpec spec) {
        String rodata = spec.mapNames().stream().filter(n -> n.endsWith(".rodata")).findFirst()
                .orElseThrow(() -> new IllegalStateException(OBJECT + " has no .rodata"));
        byte[] config = spec.initialValue(rodata);
        config[0] = (byte) (Features.btfTracepointArgs("block_rq_issue") == 2 ? 1 : 0);
        spec.setInitialValue(rodata, config);
    }

    /** Every (disk, partition, direction) aggregate the kernel holds now. */
    List<RequestStatsEntry> read() {
        List<RequestStatsEntry> entries = new ArrayList<>();
        for (BpfMap.Entry e : stats.entries()) {
            entries.add(RequestStatsLayout.decode(e.key(), e.value()));
        }
        return entries;
    }

    /** Drops a departed device's aggregates so that its series disappear. */
    void forget(RequestStatsEntry entry) {
        stats.delete(RequestStatsLayout.key(entry.diskDev(), entry.partDev(), entry.direction()));
    }

    /** Requests the programs could not fully account, by reason (enum rq_self_stat). */
    public Map<String, Long> unaccounted() {
        String[] reasons = {"no_issue_seen", "inflight_map_full", "stats_map_full"};
        Map<String, Long> counts = new java.util.LinkedHashMap<>();
        for (int i = 0; i < reasons.length; i++) {
            counts.put(reasons[i], PerCpuValues.sumLongs(selfStats.lookup(PerCpuValues.indexKey(i))));
        }
        return counts;
    }

    /** Detaches every hook and frees the maps. */
    @Override
    public void close() {
        for (Link link : links) {
            link.close();
        }
        collection.close();
    }
}
