package dev.ioguard.exporter.fs;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** Byte layout of struct fs_event and struct fs_count_key (bpf/fs_events.h). Stateless. */
final class FsEventLayout {
    static final int COMM_LEN = 16;
    static final int FS_ID_LEN = 32;
    static final int FUNCTION_LEN = 64;
    static final int SIZE = 8 + 4 * 4 + COMM_LEN + FS_ID_LEN + FUNCTION_LEN;
    static final int COUNT_KEY_SIZE = 8;

    private FsEventLayout() {}

    static FsEvent decode(ByteBuffer record) {
        if (record.remaining() < SIZE) {
            throw new IllegalArgumentException(
                    "fs_event of " + record.remaining() + " bytes, expected " + SIZE);
        }
        ByteBuffer b = record.duplicate().order(ByteOrder.nativeOrder());
        int base = b.position();
        long ts = b.getLong(base);
        FsEvent.Kind kind = FsEvent.Kind.fromCode(b.getInt(base + 8));
        int dev = b.getInt(base + 12);
        int line = b.getInt(base + 16);
        int pid = b.getInt(base + 20);
        String comm = cString(b, base + 24, COMM_LEN);
        String fsId = cString(b, base + 24 + COMM_LEN, FS_ID_LEN);
        String function = cString(b, base + 24 + COMM_LEN + FS_ID_LEN, FUNCTION_LEN);
        return new FsEvent(ts, kind, dev, line, pid, comm, fsId, function);
    }

    /** A NUL-terminated string in a fixed-size field. */
    static String cString(ByteBuffer b, int offset, int max) {
        int len = 0;
        while (len < max && b.get(offset + len) != 0) {
            len++;
        }
        byte[] bytes = new byte[len];
        b.get(offset, bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
