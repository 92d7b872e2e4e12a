package dev.ioguard.exporter.fs;

import java.util.Objects;

/**
 * A remount asked for through a mount syscall, with its outcome (struct mount_syscall_event,
 * bpf/mount_syscalls.h). Immutable.
 *
 * @param enterNs  syscall entry, CLOCK_MONOTONIC nanoseconds (System.nanoTime's clock on Linux)
 * @param exitNs   syscall exit, same clock
 * @param ret      the return value: 0, or a negative errno
 * @param flags    mount(2): its flags; mount_setattr(2): attr_set; fsconfig(2): 0
 * @param attrClr  mount_setattr(2): attr_clr, else 0
 * @param fd       fsconfig: the fs_context fd; mount_setattr: dfd; mount: -1
 * @param target   mount: the target path; mount_setattr: the path; fsconfig: empty. As the caller
 *                 wrote it: relative to its working directory and in its mount namespace
 */
public record MountSyscallEvent(long enterNs, long exitNs, long ret, long flags, long attrClr,
        Syscall syscall, ReadOnlyRequest readOnly, int pid, int fd, String comm, String target) {

    public MountSyscallEvent {
        Objects.requireNonNull(syscall, "syscall");
        Objects.requireNonNull(readOnly, "readOnly");
        Objects.requireNonNull(comm, "comm");
        Objects.requireNonNull(target, "target");
    }

    public boolean succeeded() {
        return ret == 0;
    }

    /** enum mount_syscall. */
    public enum Syscall {
        MOUNT(1, "mount"), FSCONFIG(2, "fsconfig"), MOUNT_SETATTR(3, "mount_setattr");

        private final int code;
        private final String label;

        Syscall(int code, String label) {
            this.code = code;
            this.label = label;
        }

        public int code() {
            return code;
        }

        /** The syscall's name. */
        public String label() {
            return label;
        }

        static Syscall fromCode(int code) {
            for (Syscall s : values()) {
                if (s.code == code) {
                    return s;
                }
            }
            throw new IllegalArgumentException("unknown mount syscall " + code);
        }
    }

    /** enum mount_readonly_request: what the call asks for as far as read-only goes. */
    public enum ReadOnlyRequest {
        UNCHANGED(0), SET(1), CLEAR(2);

        private final int code;

        ReadOnlyRequest(int code) {
            this.code = code;
        }

        public int code() {
            return code;
        }

        static ReadOnlyRequest fromCode(int code) {
            for (ReadOnlyRequest r : values()) {
                if (r.code == code) {
                    return r;
                }
            }
            throw new IllegalArgumentException("unknown read-only request " + code);
        }
    }
}
