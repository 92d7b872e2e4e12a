package dev.ioguard.exporter.block;

/**
 * The kernel's blk_status_t values (include/linux/blk_types.h) as {@code error.type} values and
 * the errno the kernel maps each to (block/blk-core.c, blk_errors; name and x86/generic number).
 * Their numbers changed in 6.10: {@link BlockStatusNumbering} maps a number to one of these. "Not supported" is routine (e.g.
 * WRITE_ZEROES on a loop device during mkfs) and must not page anyone: {@link #routine()} says so.
 * Immutable.
 */
public enum BlockStatus {
    NOT_SUPPORTED("not_supported", "EOPNOTSUPP", 95),
    TIMEOUT("timeout", "ETIMEDOUT", 110),
    NO_SPACE("no_space", "ENOSPC", 28),
    TRANSPORT("transport", "ENOLINK", 67),
    TARGET("target", "EREMOTEIO", 121),
    RESERVATION_CONFLICT("reservation_conflict", "EBADE", 52),
    MEDIUM("medium", "ENODATA", 61),
    PROTECTION("protection", "EILSEQ", 84),
    RESOURCE("resource", "ENOMEM", 12),
    IO("io", "EIO", 5),
    DM_REQUEUE("dm_requeue", "EREMCHG", 78),
    AGAIN("again", "EAGAIN", 11),
    DEV_RESOURCE("device_resource", "EBUSY", 16),
    /**
     * Before 6.10 only: a driver's answer at dispatch that requeues the request, so it never ends
     * one; blk_errors has no entry for it (6.1), hence EIO as for unknown numbers.
     */
    ZONE_RESOURCE("zone_resource", "EIO", 5),
    ZONE_OPEN_RESOURCE("zone_open_resource", "ETOOMANYREFS", 109),
    ZONE_ACTIVE_RESOURCE("zone_active_resource", "EOVERFLOW", 75),
    OFFLINE("offline", "ENODEV", 19),
    /** 6.5+. */
    DURATION_LIMIT("duration_limit", "ETIME", 62),
    /** 6.11+ (atomic writes). */
    INVALID("invalid", "EINVAL", 22);

    private final String errorType;
    private final String errno;
    private final int errnoNumber;

    BlockStatus(String errorType, String errno, int errnoNumber) {
        this.errorType = errorType;
        this.errno = errno;
        this.errnoNumber = errnoNumber;
    }

    /**
     * The status of an errno (positive) as blk_status_to_errno() made it, for the classic
     * tracepoints, which carry only the errno: one status per errno (EIO is {@code io}:
     * ZONE_RESOURCE never ends a request), so this is exact, and the same on every kernel, whatever
     * its status numbering. The kernel turns an unknown status into EIO, so an unknown errno is
     * {@code io} too.
     */
    public static BlockStatus fromErrno(int errno) {
        for (BlockStatus s : values()) {
            if (s.errnoNumber == errno && s != ZONE_RESOURCE) {
                return s;
            }
        }
        return IO;
    }

    /** The {@code error.type} label value. */
    public String errorType() {
        return errorType;
    }

    /** The errno name the kernel reports for it (as dmesg's "I/O error" lines). */
    public String errno() {
        return errno;
    }

    /** Expected in normal operation. */
    public boolean routine() {
        return this == NOT_SUPPORTED;
    }
}
