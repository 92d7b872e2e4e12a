package dev.ioguard.exporter.block;

import dev.ioguard.exporter.histogram.Histogram;
import dev.ioguard.exporter.histogram.LogLinearBuckets;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Byte layout of the per-device statistics maps: key {@code struct rq_key} (disk, part, direction)
 * and a value of two counters followed by histograms ({@code struct rq_stats}: service, queue,
 * size, depth; {@code struct bio_stats}: total, size). Pinned against the compiled objects' BTF by
 * a unit test. Immutable.
 */
final class StatsLayout {
    static final int KEY_SIZE = 12;
    static final int HIST_SIZE = 8 + 8 * LogLinearBuckets.SLOTS;

    /** struct rq_stats */
    static final StatsLayout REQUESTS = new StatsLayout(4);
    /** struct bio_stats */
    static final StatsLayout BIOS = new StatsLayout(2);

    private final int histograms;

    private StatsLayout(int histograms) {
        this.histograms = histograms;
    }

    int valueSize() {
        return 16 + histograms * HIST_SIZE;
    }

    StatsEntry decode(byte[] key, byte[] value) {
        if (key.length != KEY_SIZE || value.length < valueSize()) {
            throw new IllegalArgumentException("stats entry of " + key.length + "/" + value.length
                    + " bytes, expected " + KEY_SIZE + "/" + valueSize());
        }
        ByteBuffer k = ByteBuffer.wrap(key).order(ByteOrder.nativeOrder());
        ByteBuffer v = ByteBuffer.wrap(value).order(ByteOrder.nativeOrder());
        List<Histogram> hists = new ArrayList<>(histograms);
        for (int i = 0; i < histograms; i++) {
            hists.add(decodeHistogram(v, 16 + i * HIST_SIZE));
        }
        return new StatsEntry(k.getInt(0), k.getInt(4), k.getInt(8), v.getLong(0), v.getLong(8),
                hists);
    }

    static byte[] key(StatsEntry e) {
        return ByteBuffer.allocate(KEY_SIZE).order(ByteOrder.nativeOrder())
                .putInt(e.diskDev()).putInt(e.partDev()).putInt(e.direction()).array();
    }

    /** {@code struct hist} at {@code offset}: sum, then the slots. */
    private static Histogram decodeHistogram(ByteBuffer v, int offset) {
        long sum = v.getLong(offset);
        long[] slots = new long[LogLinearBuckets.SLOTS];
        for (int i = 0; i < slots.length; i++) {
            slots[i] = v.getLong(offset + 8 + 8 * i);
        }
        return Histogram.of(slots, sum);
    }
}
