package dev.ioguard.exporter.bpf;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Reading per-CPU map values: one 8-byte-aligned slot per possible CPU. Stateless. */
public final class PerCpuValues {
    private PerCpuValues() {}

    /** The sum over CPUs of a per-CPU {@code __u64}. */
    public static long sumLongs(byte[] perCpu) {
        if (perCpu == null) {
            return 0;
        }
        ByteBuffer b = ByteBuffer.wrap(perCpu).order(ByteOrder.nativeOrder());
        long total = 0;
        for (int off = 0; off + 8 <= perCpu.length; off += 8) {
            total += b.getLong(off);
        }
        return total;
    }

    /** A native-order 4-byte array key. */
    public static byte[] indexKey(int index) {
        return ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(index).array();
    }
}
