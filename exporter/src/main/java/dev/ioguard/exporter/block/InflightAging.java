package dev.ioguard.exporter.block;

import dev.ioguard.bpf.BpfMap;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Removes in-flight entries whose completion was never seen (a device torn down mid-request, a
 * hook attached between issue and completion...), so that bounded maps never fill up, and counts
 * them. An entry's age comes from the newest of the timestamps at the given value offsets
 * (CLOCK_MONOTONIC ns, the clock of System.nanoTime). Safe for one ager thread at a time.
 */
final class InflightAging {
    private final BpfMap map;
    private final int[] timestampOffsets;
    private final AtomicLong removed = new AtomicLong();

    InflightAging(BpfMap map, int... timestampOffsets) {
        this.map = map;
        this.timestampOffsets = timestampOffsets.clone();
    }

    /** Deletes entries older than {@code maxAgeNs} and returns their values. */
    List<ByteBuffer> removeOlderThan(long nowNs, long maxAgeNs) {
        List<ByteBuffer> stale = new ArrayList<>();
        for (BpfMap.Entry e : map.entries()) {
            ByteBuffer v = ByteBuffer.wrap(e.value()).order(ByteOrder.nativeOrder());
            long newest = 0;
            for (int offset : timestampOffsets) {
                newest = Math.max(newest, v.getLong(offset));
            }
            if (newest != 0 && nowNs - newest > maxAgeNs && map.delete(e.key())) {
                stale.add(v);
            }
        }
        removed.addAndGet(stale.size());
        return stale;
    }

    long removed() {
        return removed.get();
    }
}
