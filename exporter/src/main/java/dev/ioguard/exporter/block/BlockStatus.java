package dev.ioguard.exporter.block;

/**
 * The kernel's blk_status_t values (include/linux/blk_types.h) as {@code error.type} values and
 * the errno the kernel maps each to (name and x86/generic number). "Not supported" is routine (e.g. WRITE_ZEROES on a loop
 * device during mkfs) and must not page anyone: {@link #routine()} says so. Immutable.
 */
public enum BlockStatus {
    NOT_SUPPORTED(1, "not_supported", "EOPNOTSUPP", 95),
    TIMEOUT(2, "timeout", "ETIMEDOUT", 110),
    NO_SPACE(3, "no_space", "ENOSPC", 28),
    TRANSPORT(4, "transport", "ENOLINK", 67),
    TARGET(5, "target", "EREMOTEIO", 121),
    RESERVATION_CONFLICT(6, "reservation_conflict", "EBADE", 52),
    MEDIUM(7, "medium", "ENODATA", 61),
    PROTECTION(8, "protection", "EILSEQ", 84),
    RESOURCE(9, "resource", "ENOMEM", 12),
    IO(10, "io", "EIO", 5),
    DM_REQUEUE(11, "dm_requeue", "EREMCHG", 78),
    AGAIN(12, "again", "EAGAIN", 11),
    DEV_RESOURCE(13, "device_resource", "EBUSY", 16),
    ZONE_OPEN_RESOURCE(14, "zone_open_resource", "ETOOMANYREFS", 109),
    ZONE_ACTIVE_RESOURCE(15, "zone_active_resource", "EOVERFLOW", 75),
    OFFLINE(16, "offline", "ENODEV", 19),
    DURATION_LIMIT(17, "duration_limit", "ETIME", 62),
    INVALID(19, "invalid", "EINVAL", 22);

    private final int code;
    private final String errorType;
    private final String errno;
    private final int errnoNumber;

    BlockStatus(int code, String errorType, String errno, int errnoNumber) {
        this.code = code;
        this.errorType = errorType;
        this.errno = errno;
        this.errnoNumber = errnoNumber;
    }

    /**
     * The status code of an errno (positive) as blk_status_to_errno() made it, for the classic
     * tracepoints, which carry only the errno. One status per errno, so this is exact, and the same
     * on every kernel (unlike the status numbers, renumbered in 6.10); the kernel itself turns an
     * unknown status into EIO, so an unknown errno is {@code io}.
     */
    public static int fromErrno(int errno) {
        for (BlockStatus s : values()) {
            if (s.errnoNumber == errno) {
                return s.code;
            }
        }
        return IO.code;
    }

    /** The {@code error.type} of a status code; unknown codes keep their number. */
    public static String errorType(int code) {
        for (BlockStatus s : values()) {
            if (s.code == code) {
                return s.errorType;
            }
        }
        return "status_" + code;
    }

    /** The errno name the kernel reports for a status code (as dmesg's "I/O error" lines). */
    public static String errno(int code) {
        for (BlockStatus s : values()) {
            if (s.code == code) {
                return s.errno;
            }
        }
        return "EIO";
    }

    /** Statuses that are expected in normal operation. */
    public static boolean routine(int code) {
        return code == NOT_SUPPORTED.code;
    }
}
