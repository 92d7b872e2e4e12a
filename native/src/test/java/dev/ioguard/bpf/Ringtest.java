package dev.ioguard.bpf;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Thread-safe: stateless. The test object ringtest.bpf.o and its shared structs (ringtest.h),
 * configured to watch the calling thread's getppid calls.
 */
final class Ringtest {
    static final String OBJECT = "ringtest";
    static final String PROGRAM = "on_sys_enter";
    static final String REFUSED_FENTRY = "refused_fentry";

    /** struct ringtest_config in .rodata. */
    static final int CONFIG_TGID = 0;
    static final int CONFIG_TID = 4;
    static final int CONFIG_SYSCALL = 8;
    static final int CONFIG_SIZE = 16;

    /** struct ringtest_event. */
    static final int EVENT_SIZE = 24;

    /** A decoded struct ringtest_event. */
    record Event(int tgid, int tid, long syscall, long seq) {
        static Event read(ByteBuffer record) {
            if (record.remaining() != EVENT_SIZE) {
                throw new IllegalArgumentException("event of " + record.remaining() + " bytes");
            }
            return new Event(record.getInt(0), record.getInt(4), record.getLong(8), record.getLong(16));
        }
    }

    private Ringtest() {}

    static CollectionSpec open() {
        return CollectionSpec.open(OBJECT, KernelTestSupport.bpfObject(OBJECT));
    }

    /** Opens, points the program at this thread's getppid calls, switches fentry off, loads. */
    static Collection loadForThisThread() {
        try (CollectionSpec spec = open()) {
            spec.setAutoload(REFUSED_FENTRY, false);
            configureForThisThread(spec);
            return spec.load();
        }
    }

    static void configureForThisThread(CollectionSpec spec) {
        byte[] config = spec.initialValue(".rodata");
        ByteBuffer.wrap(config).order(ByteOrder.nativeOrder())
                .putInt(CONFIG_TGID, (int) ProcessHandle.current().pid())
                .putInt(CONFIG_TID, Syscalls.gettid())
                .putLong(CONFIG_SYSCALL, Syscalls.GETPPID);
        spec.setInitialValue(".rodata", config);
    }

    static byte[] u32(int value) {
        return ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(value).array();
    }

    static byte[] u64(long value) {
        return ByteBuffer.allocate(8).order(ByteOrder.nativeOrder()).putLong(value).array();
    }

    static long u64(byte[] bytes) {
        return ByteBuffer.wrap(bytes).order(ByteOrder.nativeOrder()).getLong(0);
    }

    static int u32(byte[] bytes) {
        return ByteBuffer.wrap(bytes).order(ByteOrder.nativeOrder()).getInt(0);
    }
}
