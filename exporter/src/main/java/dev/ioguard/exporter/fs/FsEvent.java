package dev.ioguard.exporter.fs;

import java.util.Objects;

/**
 * A filesystem failure as the kernel reported it (struct fs_event, bpf/fs_events.h). Immutable.
 *
 * @param monotonicNs when, in CLOCK_MONOTONIC nanoseconds (the clock of System.nanoTime on Linux)
 * @param kernelDev   the superblock's dev_t in the kernel encoding
 * @param line        the kernel source line (ext4 error, xfs shutdown), else 0
 * @param pid         the process (tgid) the hook ran in
 * @param flags       shutdown flags (ext4 {@code EXT4_GOING_FLAGS_*}, xfs {@code SHUTDOWN_*});
 *                    for {@link Kind#EXT4_HANDLE_ERROR} 1 when the caller forces read-only
 * @param error       the positive errno where the hook knows it, else 0
 * @param errorsMode  ext4's errors= behaviour in force, where the hook can read it
 * @param ptag        xfs: the {@code XFS_PTAG_*} of a shutdown, else 0
 * @param fsId        the superblock's s_id, normally the device name; empty from classic tracepoints
 * @param function    the kernel function (ext4) or source file (xfs); may be empty
 */
public record FsEvent(long monotonicNs, Kind kind, int kernelDev, int line, int pid, int flags,
        int error, ErrorsMode errorsMode, int ptag, String comm, String fsId, String function) {

    public FsEvent {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(errorsMode, "errorsMode");
        Objects.requireNonNull(comm, "comm");
        Objects.requireNonNull(fsId, "fsId");
        Objects.requireNonNull(function, "function");
    }

    /** enum fs_event_kind. */
    public enum Kind {
        EXT4_ERROR(1, "ext4"),
        EXT4_SHUTDOWN(2, "ext4"),
        XFS_SHUTDOWN(3, "xfs"),
        /** The optional fentry hook on ext4_handle_error(), where every ext4 error path ends. */
        EXT4_HANDLE_ERROR(4, "ext4");

        private final int code;
        private final String fsType;

        Kind(int code, String fsType) {
            this.code = code;
            this.fsType = fsType;
        }

        public int code() {
            return code;
        }

        public String fsType() {
            return fsType;
        }

        public boolean isShutdown() {
            return this == EXT4_SHUTDOWN || this == XFS_SHUTDOWN;
        }

        public boolean isError() {
            return this == EXT4_ERROR || this == EXT4_HANDLE_ERROR;
        }

        static Kind fromCode(int code) {
            for (Kind k : values()) {
                if (k.code == code) {
                    return k;
                }
            }
            throw new IllegalArgumentException("unknown fs_event kind " + code);
        }
    }

    /** enum fs_errors_mode: what ext4 does after an error. */
    public enum ErrorsMode {
        UNKNOWN(0, ""), CONTINUE(1, "continue"), REMOUNT_RO(2, "remount-ro"), PANIC(3, "panic");

        private final int code;
        private final String option;

        ErrorsMode(int code, String option) {
            this.code = code;
            this.option = option;
        }

        public int code() {
            return code;
        }

        /** The mount option's value ({@code remount-ro}); empty when unknown. */
        public String option() {
            return option;
        }

        static ErrorsMode fromCode(int code) {
            for (ErrorsMode m : values()) {
                if (m.code == code) {
                    return m;
                }
            }
            return UNKNOWN;
        }
    }
}
