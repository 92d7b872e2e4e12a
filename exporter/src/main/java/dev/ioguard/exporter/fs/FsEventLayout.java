package dev.ioguard.exporter.fs;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** Byte layout of struct fs_event and struct fs_count_key (bpf/fs_events.h). Stateless. */
final class FsEventLayout {
    static final int COMM_LEN = 16;
    static final int FS_ID_LEN = 32;
    static final int FUNCTION_LEN = 64;
    static final int OFF_TIMESTAMP = 0;
    static final int OFF_KIND = 8;
    static final int OFF_DEV = 12;
    static final int OFF_LINE = 16;
    static final int OFF_PID = 20;
    static final int OFF_FLAGS = 24;
    static final int OFF_ERROR = 28;
    static final int OFF_ERRORS_MODE = 32;
    static final int OFF_PTAG = 36;
    static final int OFF_COMM = 40;
    static final int OFF_FS_ID = OFF_COMM + COMM_LEN;
    static final int OFF_FUNCTION = OFF_FS_ID + FS_ID_LEN;
    static final int SIZE = OFF_FUNCTION + FUNCTION_LEN;
    static final int COUNT_KEY_SIZE = 8;

    private FsEventLayout() {}

    static FsEvent decode(ByteBuffer record) {
        if (record.remaining() < SIZE) {
            throw new IllegalArgumentException(
                    "fs_event of " + record.remaining() + " bytes, expected " + SIZE);
        }
        ByteBuffer b = record.duplicate().order(ByteOrder.nativeOrder());
        int base = b.position();
        return new FsEvent(
                b.getLong(base + OFF_TIMESTAMP),
                FsEvent.Kind.fromCode(b.getInt(base + OFF_KIND)),
                b.getInt(base + OFF_DEV),
                b.getInt(base + OFF_LINE),
                b.getInt(base + OFF_PID),
                b.getInt(base + OFF_FLAGS),
                b.getInt(base + OFF_ERROR),
                FsEvent.ErrorsMode.fromCode(b.getInt(base + OFF_ERRORS_MODE)),
                b.getInt(base + OFF_PTAG),
                cString(b, base + OFF_COMM, COMM_LEN),
                cString(b, base + OFF_FS_ID, FS_ID_LEN),
                cString(b, base + OFF_FUNCTION, FUNCTION_LEN));
    }

    /** The record the kernel would write for this event; for tests of the decoder. */
    static ByteBuffer encode(FsEvent e) {
        ByteBuffer b = ByteBuffer.allocate(SIZE).order(ByteOrder.nativeOrder());
        b.putLong(OFF_TIMESTAMP, e.monotonicNs());
        b.putInt(OFF_KIND, e.kind().code());
        b.putInt(OFF_DEV, e.kernelDev());
        b.putInt(OFF_LINE, e.line());
        b.putInt(OFF_PID, e.pid());
        b.putInt(OFF_FLAGS, e.flags());
        b.putInt(OFF_ERROR, e.error());
        b.putInt(OFF_ERRORS_MODE, e.errorsMode().code());
        b.putInt(OFF_PTAG, e.ptag());
        putCString(b, OFF_COMM, COMM_LEN, e.comm());
        putCString(b, OFF_FS_ID, FS_ID_LEN, e.fsId());
        putCString(b, OFF_FUNCTION, FUNCTION_LEN, e.function());
        return b;
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

    static void putCString(ByteBuffer b, int offset, int max, String s) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        int len = Math.min(bytes.length, max - 1);
        b.put(offset, bytes, 0, len);
        b.put(offset + len, (byte) 0);
    }
}
