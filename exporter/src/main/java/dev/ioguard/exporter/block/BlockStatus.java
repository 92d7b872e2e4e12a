package dev.ioguard.exporter.block;

/**
 * The kernel's blk_status_t values (include/linux/blk_types.h) as {@code error.type} values and
 * the errno the kernel maps each to (block/blk-core.c, blk_errors). Their numbers changed in 6.10:
 * {@link BlockStatusNumbering} maps a number to one of these. "Not supported" is routine (e.g.
 * WRITE_ZEROES on a loop device during mkfs) and must not page anyone: {@link #routine()} says so.
 * Immutable.
 */
public enum BlockStatus {
    NOT_SUPPORTED("not_supported", "EOPNOTSUPP"),
    TIMEOUT("timeout", "ETIMEDOUT"),
    NO_SPACE("no_space", "ENOSPC"),
    TRANSPORT("transport", "ENOLINK"),
    TARGET("target", "EREMOTEIO"),
    RESERVATION_CONFLICT("reservation_conflict", "EBADE"),
    MEDIUM("medium", "ENODATA"),
    PROTECTION("protection", "EILSEQ"),
    RESOURCE("resource", "ENOMEM"),
    IO("io", "EIO"),
    DM_REQUEUE("dm_requeue", "EREMCHG"),
    AGAIN("again", "EAGAIN"),
    DEV_RESOURCE("device_resource", "EBUSY"),
    /**
     * Before 6.10 only: a driver's answer at dispatch that requeues the request, so it never ends
     * one; blk_errors has no entry for it (6.1), hence EIO as for unknown numbers.
     */
    ZONE_RESOURCE("zone_resource", "EIO"),
    ZONE_OPEN_RESOURCE("zone_open_resource", "ETOOMANYREFS"),
    ZONE_ACTIVE_RESOURCE("zone_active_resource", "EOVERFLOW"),
    OFFLINE("offline", "ENODEV"),
    /** 6.5+. */
    DURATION_LIMIT("duration_limit", "ETIME"),
    /** 6.11+ (atomic writes). */
    INVALID("invalid", "EINVAL");

    private final String errorType;
    private final String errno;

    BlockStatus(String errorType, String errno) {
        this.errorType = errorType;
        this.errno = errno;
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
