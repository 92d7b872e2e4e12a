package dev.ioguard.exporter.block;

import dev.ioguard.bpf.BpfMap;
import dev.ioguard.bpf.CollectionSpec;
import dev.ioguard.bpf.Features;
import dev.ioguard.exporter.bpf.LoadedObject;
import dev.ioguard.exporter.hooks.Hook;
import dev.ioguard.exporter.hooks.HookRegistry;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The request-stage block program (bpf/block_requests.bpf.c): chooses the completion hook this
 * kernel has, loads, attaches, and reads the in-kernel aggregates. Reads may come from any thread
 * (map syscalls); {@link #close()} once, at the end.
 */
public final class BlockRequestProbe implements AutoCloseable {
    static final String OBJECT = "block_requests";
    /** struct rq_inflight: insert_ns, issue_ns, queue_ns, bytes, depth, disk, slot, completed. */
    private static final int INFLIGHT_ISSUE_NS = 8;
    private static final int INFLIGHT_DISK = 32;
    private static final int INFLIGHT_SLOT = 36;
    /** struct disk_slot: one u64, the disk's dev_t above DISK_SLOT_BIAS + its in-flight count. */
    private static final long SLOT_BIAS = 0x8000_0000L;

    private final LoadedObject object;
    private final StatsMap stats;
    private final InflightAging aging;

    private BlockRequestProbe(LoadedObject object) {
        this.object = object;
        this.stats = new StatsMap(object.map("rq_stats"), StatsLayout.REQUESTS);
        this.aging = new InflightAging(object.map("inflight"), INFLIGHT_ISSUE_NS, 0);
    }

    /**
     * Loads and attaches, on the tracepoints {@code loader} chooses; a hook the kernel refuses is
     * recorded in the loader's registry, not thrown.
     */
    public static BlockRequestProbe start(BlockObjectLoader loader) {
        HookRegistry hooks = loader.hooks();
        // The classic object has one completion hook, block_rq_complete: nothing to choose.
        return new BlockRequestProbe(loader.load(OBJECT, spec -> configure(spec, hooks),
                (spec, layout) -> { },
                Map.of("block_rq_insert", "disk request queue (scheduler insert)",
                        "block_rq_issue", "disk request issue",
                        "block_io_done", "disk request completion",
                        "block_rq_complete", "disk request completion")).object());
    }

    private static void configure(CollectionSpec spec, HookRegistry hooks) {
        // block_io_done (6.5+) fires exactly where diskstats counts; before it, the last
        // block_rq_complete of a request does.
        boolean ioDone = Features.btfTracepoint("block_io_done").status() == Features.Status.SUPPORTED;
        spec.setAutoload("block_io_done", ioDone);
        spec.setAutoload("block_rq_complete", !ioDone);
        hooks.record(new Hook(ioDone ? "tp_btf/block_rq_complete" : "tp_btf/block_io_done",
                "disk request completion", Hook.State.NOT_USED,
                ioDone ? "block_io_done is used instead"
                        : "kernel has no block_io_done tracepoint (added in 6.5)"));
        // Before 5.11 block_rq_insert/issue also passed the queue: tell the program from the BTF.
        byte[] config = spec.initialValue(".rodata");
        config[0] = (byte) (Features.btfTracepointArgs("block_rq_issue") == 2 ? 1 : 0);
        spec.setInitialValue(".rodata", config);
    }

    /** Every (disk, partition, direction) aggregate the kernel holds now. */
    List<StatsEntry> read() {
        return stats.read();
    }

    /**
     * Requests in flight per whole disk (kernel dev_t): the slots indexed by request queue id, plus
     * the hash for queue ids beyond them. A disk that took a queue id over from a departed one may
     * also have a stale slot left at 0 by that one: counts are summed per disk.
     */
    Map<Integer, Long> inflightByDisk() {
        Map<Integer, Long> inflight = new HashMap<>();
        for (BpfMap.Entry e : object.map("disk_slots").entries()) {
            long state = ByteBuffer.wrap(e.value()).order(ByteOrder.nativeOrder()).getLong(0);
            int disk = (int) (state >>> 32);
            if (disk != 0) {
                inflight.merge(disk, (state & 0xffff_ffffL) - SLOT_BIAS, Long::sum);
            }
        }
        for (BpfMap.Entry e : object.map("disk_inflight").entries()) {
            inflight.merge(ByteBuffer.wrap(e.key()).order(ByteOrder.nativeOrder()).getInt(0),
                    ByteBuffer.wrap(e.value()).order(ByteOrder.nativeOrder()).getLong(0), Long::sum);
        }
        return inflight;
    }

    /** Drops a departed device's aggregates so that its series disappear. */
    void forget(StatsEntry entry) {
        stats.forget(entry);
    }

    /**
     * Deletes in-flight entries older than {@code maxAgeNs} (a completion the programs never saw)
     * and takes issued ones off their disk's in-flight count.
     */
    void ageInflight(long nowNs, long maxAgeNs) {
        for (ByteBuffer stale : aging.removeOlderThan(nowNs, maxAgeNs)) {
            if (stale.getLong(INFLIGHT_ISSUE_NS) == 0) {
                continue;
            }
            // Not atomic with the kernel's updates: off by one at worst, only when aging.
            int disk = stale.getInt(INFLIGHT_DISK);
            int slot = stale.getInt(INFLIGHT_SLOT);
            if (slot != 0) {
                BpfMap slots = object.map("disk_slots");
                byte[] index = nativeInt(slot - 1);
                byte[] value = slots.lookup(index);
                if (value != null) {
                    ByteBuffer v = ByteBuffer.wrap(value).order(ByteOrder.nativeOrder());
                    long state = v.getLong(0);
                    if ((int) (state >>> 32) == disk && (state & 0xffff_ffffL) > SLOT_BIAS) {
                        slots.update(index, v.putLong(0, state - 1).array(), BpfMap.UPDATE_ANY);
                    }
                }
                continue;
            }
            BpfMap diskInflight = object.map("disk_inflight");
            byte[] key = nativeInt(disk);
            byte[] count = diskInflight.lookup(key);
            if (count != null) {
                long n = ByteBuffer.wrap(count).order(ByteOrder.nativeOrder()).getLong(0);
                diskInflight.update(key, ByteBuffer.allocate(8).order(ByteOrder.nativeOrder())
                        .putLong(Math.max(0, n - 1)).array(), BpfMap.UPDATE_EXIST);
            }
        }
    }

    private static byte[] nativeInt(int value) {
        return ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(value).array();
    }

    /** Requests the programs could not fully account, by reason. */
    public Map<String, Long> unaccounted() {
        Map<String, Long> counts = new LinkedHashMap<>();
        counts.put("no_issue_seen", object.perCpuCounter("self_stats", 0));
        counts.put("inflight_map_full", object.perCpuCounter("self_stats", 1));
        counts.put("stats_map_full", object.perCpuCounter("self_stats", 2));
        counts.put("not_accounted_by_kernel", object.perCpuCounter("self_stats", 3));
        counts.put("aged_out", aging.removed());
        return counts;
    }

    @Override
    public void close() {
        object.close();
    }
}
