package dev.ioguard.exporter.block;

/**
 * The kernel's blk_status_t values (include/linux/blk_types.h) as {@code error.type} values and
 * the errno the kernel maps each to. "Not supported" is routine (e.g. WRITE_ZEROES on a loop
 * device during mkfs) and must not page anyone: {@link #routine()} says so. Immutable.
 */
public enum BlockStatus {
    NOT_SUPPORTED(1, "not_supported", "EOPNOTSUPP"),
    TIMEOUT(2, "timeout", "ETIMEDOUT"),
    NO_SPACE(3, "no_space", "ENOSPC"),
    TRANSPORT(4, "transport", "ENOLINK"),
    TARGET(5, "target", "EREMOTEIO"),
    RESERVATION_CONFLICT(6, "reservation_conflict", "EBADE"),
    MEDIUM(7, "medium", "ENODATA"),
    PROTECTION(8, "protection", "EILSEQ"),
    RESOURCE(9, "resource", "ENOMEM"),
    IO(10, "io", "EIO"),
    DM_REQUEUE(11, "dm_requeue", "EREMCHG"),
    AGAIN(12, "again", "EAGAIN"),
    DEV_RESOURCE(13, "device_resource", "EBUSY"),
    ZONE_OPEN_RESOURCE(14, "zone_open_resource", "ETOOMANYREFS"),
    ZONE_ACTIVE_RESOURCE(15, "zone_active_resource", "EOVERFLOW"),
    OFFLINE(16, "offline", "ENODEV"),
    DURATION_LIMIT(17, "duration_limit", "ETIME"),
    INVALID(19, "invalid", "EINVAL");

    private final int code;
    private final String errorType;
    private final String errno;

    BlockStatus(int code, String errorType, String errno) {
        this.code = code;
        this.errorType = errorType;
        this.errno = errno;
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
