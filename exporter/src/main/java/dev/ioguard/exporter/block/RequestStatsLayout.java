package dev.ioguard.exporter.block;

import dev.ioguard.exporter.histogram.Histogram;
import dev.ioguard.exporter.histogram.LogLinearBuckets;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Byte layout of {@code struct rq_key} and {@code struct rq_stats} (bpf/block_requests.h), pinned
 * by a unit test against the compiled object's BTF. Stateless.
 */
final class RequestStatsLayout {
    static final int KEY_SIZE = 12;
    static final int HIST_SIZE = 8 + 8 * LogLinearBuckets.SLOTS;
    static final int VALUE_SIZE = 8 + 8 + HIST_SIZE;

    private RequestStatsLayout() {}

    static RequestStatsEntry decode(byte[] key, byte[] value) {
        if (key.length != KEY_SIZE || value.length < VALUE_SIZE) {
            throw new IllegalArgumentException("rq_stats entry of " + key.length + "/" + value.length
                    + " bytes, expected " + KEY_SIZE + "/" + VALUE_SIZE);
        }
        ByteBuffer k = ByteBuffer.wrap(key).order(ByteOrder.nativeOrder());
        ByteBuffer v = ByteBuffer.wrap(value).order(ByteOrder.nativeOrder());
        int disk = k.getInt(0);
        int part = k.getInt(4);
        int direction = k.getInt(8);
        long ops = v.getLong(0);
        long bytes = v.getLong(8);
        Histogram service = decodeHistogram(v, 16);
        return new RequestStatsEntry(disk, part, direction, ops, bytes, service);
    }

    static byte[] key(int disk, int part, int direction) {
        return ByteBuffer.allocate(KEY_SIZE).order(ByteOrder.nativeOrder())
                .putInt(disk).putInt(part).putInt(direction).array();
    }

    /** {@code struct hist} at {@code offset}: sum, then the slots. */
    static Histogram decodeHistogram(ByteBuffer v, int offset) {
        long sum = v.getLong(offset);
        long[] slots = new long[LogLinearBuckets.SLOTS];
        for (int i = 0; i < slots.length; i++) {
            slots[i] = v.getLong(offset + 8 + 8 * i);
        }
        return Histogram.of(slots, sum);
    }
}
