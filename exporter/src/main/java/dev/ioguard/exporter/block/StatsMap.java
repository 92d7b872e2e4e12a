package dev.ioguard.exporter.block;

import dev.ioguard.bpf.BpfMap;
import java.util.ArrayList;
import java.util.List;

/**
 * A per-device statistics map (rq_stats, bio_stats) with its layout: read whole, or drop one
 * departed device's entry. Safe from any thread (map syscalls).
 */
final class StatsMap {
    private final BpfMap map;
    private final StatsLayout layout;

    StatsMap(BpfMap map, StatsLayout layout) {
        this.map = map;
        this.layout = layout;
    }

    /** Every (disk, partition, direction) aggregate the kernel holds now. */
    List<StatsEntry> read() {
        List<StatsEntry> entries = new ArrayList<>();
        for (BpfMap.Entry e : map.entries()) {
            entries.add(layout.decode(e.key(), e.value()));
        }
        return entries;
    }

    /** Drops a departed device's aggregate so that its series disappear. */
    void forget(StatsEntry entry) {
        map.delete(StatsLayout.key(entry));
    }
}
