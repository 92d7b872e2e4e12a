package dev.ioguard.exporter.fs;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Byte layout of struct mount_syscall_event (bpf/mount_syscalls.h). Stateless. */
final class MountSyscallLayout {
    static final int COMM_LEN = 16;
    static final int TARGET_LEN = 256;
    static final int OFF_ENTER = 0;
    static final int OFF_EXIT = 8;
    static final int OFF_RET = 16;
    static final int OFF_FLAGS = 24;
    static final int OFF_ATTR_CLR = 32;
    static final int OFF_SYSCALL = 40;
    static final int OFF_READONLY = 44;
    static final int OFF_PID = 48;
    static final int OFF_FD = 52;
    static final int OFF_COMM = 56;
    static final int OFF_TARGET = OFF_COMM + COMM_LEN;
    static final int SIZE = OFF_TARGET + TARGET_LEN;

    private MountSyscallLayout() {}

    static MountSyscallEvent decode(ByteBuffer record) {
        if (record.remaining() < SIZE) {
            throw new IllegalArgumentException(
                    "mount_syscall_event of " + record.remaining() + " bytes, expected " + SIZE);
        }
        ByteBuffer b = record.duplicate().order(ByteOrder.nativeOrder());
        int base = b.position();
        return new MountSyscallEvent(
                b.getLong(base + OFF_ENTER),
                b.getLong(base + OFF_EXIT),
                b.getLong(base + OFF_RET),
                b.getLong(base + OFF_FLAGS),
                b.getLong(base + OFF_ATTR_CLR),
                MountSyscallEvent.Syscall.fromCode(b.getInt(base + OFF_SYSCALL)),
                MountSyscallEvent.ReadOnlyRequest.fromCode(b.getInt(base + OFF_READONLY)),
                b.getInt(base + OFF_PID),
                b.getInt(base + OFF_FD),
                FsEventLayout.cString(b, base + OFF_COMM, COMM_LEN),
                FsEventLayout.cString(b, base + OFF_TARGET, TARGET_LEN));
    }

    /** The record the kernel would write for this event; for tests of the decoder. */
    static ByteBuffer encode(MountSyscallEvent e) {
        ByteBuffer b = ByteBuffer.allocate(SIZE).order(ByteOrder.nativeOrder());
        b.putLong(OFF_ENTER, e.enterNs());
        b.putLong(OFF_EXIT, e.exitNs());
        b.putLong(OFF_RET, e.ret());
        b.putLong(OFF_FLAGS, e.flags());
        b.putLong(OFF_ATTR_CLR, e.attrClr());
        b.putInt(OFF_SYSCALL, e.syscall().code());
        b.putInt(OFF_READONLY, e.readOnly().code());
        b.putInt(OFF_PID, e.pid());
        b.putInt(OFF_FD, e.fd());
        FsEventLayout.putCString(b, OFF_COMM, COMM_LEN, e.comm());
        FsEventLayout.putCString(b, OFF_TARGET, TARGET_LEN, e.target());
        return b;
    }
}
