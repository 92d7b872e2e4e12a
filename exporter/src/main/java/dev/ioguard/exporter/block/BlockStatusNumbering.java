package dev.ioguard.exporter.block;

import dev.ioguard.bpf.Features;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * How the running kernel numbers blk_status_t. 6.10 removed {@code BLK_STS_ZONE_RESOURCE} (14) and
 * moved the statuses after it down by one. The numbers are {@code #define}s, absent from BTF, but
 * the bio flag {@code BIO_ZONE_WRITE_PLUGGING} came with the same change (the zone write plugging
 * series replaced {@code BIO_ZONE_WRITE_LOCKED}) and is an enumerator BTF has, zoned block devices
 * configured or not. Immutable.
 */
public enum BlockStatusNumbering {
    /** 6.1's include/linux/blk_types.h (Debian's 6.1.192 headers); 18 exists from 6.5 to 6.9. */
    BEFORE_6_10(List.of(BlockStatus.ZONE_RESOURCE, BlockStatus.ZONE_OPEN_RESOURCE,
            BlockStatus.ZONE_ACTIVE_RESOURCE, BlockStatus.OFFLINE, BlockStatus.DURATION_LIMIT)),
    /** 6.10 to 6.18; 18 is unused there and INVALID is 19 (6.11+). */
    SINCE_6_10(Arrays.asList(BlockStatus.ZONE_OPEN_RESOURCE, BlockStatus.ZONE_ACTIVE_RESOURCE,
            BlockStatus.OFFLINE, BlockStatus.DURATION_LIMIT, null, BlockStatus.INVALID));

    /** The enumerator that tells the two apart: in vmlinux BTF from 6.10 on. */
    static final String SINCE_6_10_MARKER = "BIO_ZONE_WRITE_PLUGGING";

    /** 1 to 13 have kept their numbers since 4.13 (the DEV_RESOURCE addition). */
    private static final List<BlockStatus> ONE_TO_THIRTEEN = List.of(BlockStatus.NOT_SUPPORTED,
            BlockStatus.TIMEOUT, BlockStatus.NO_SPACE, BlockStatus.TRANSPORT, BlockStatus.TARGET,
            BlockStatus.RESERVATION_CONFLICT, BlockStatus.MEDIUM, BlockStatus.PROTECTION, BlockStatus.RESOURCE,
            BlockStatus.IO, BlockStatus.DM_REQUEUE, BlockStatus.AGAIN, BlockStatus.DEV_RESOURCE);

    /** Statuses from 14 on, in number order; null for a number not in use. */
    private final List<BlockStatus> fromFourteen;

    BlockStatusNumbering(List<BlockStatus> fromFourteen) {
        this.fromFourteen = fromFourteen;
    }

    /** The numbering of the running kernel: by its BTF; 6.10's when BTF cannot tell (the newer). */
    public static BlockStatusNumbering forRunningKernel() {
        return fromMarker(Features.btfEnumerator(SINCE_6_10_MARKER).status());
    }

    static BlockStatusNumbering fromMarker(Features.Status marker) {
        return marker == Features.Status.UNSUPPORTED ? BEFORE_6_10 : SINCE_6_10;
    }

    /** The status of a number, or empty for 0 and numbers this kernel does not use. */
    public Optional<BlockStatus> status(int code) {
        if (code >= 1 && code <= ONE_TO_THIRTEEN.size()) {
            return Optional.of(ONE_TO_THIRTEEN.get(code - 1));
        }
        int i = code - 14;
        return i >= 0 && i < fromFourteen.size() ? Optional.ofNullable(fromFourteen.get(i)) : Optional.empty();
    }

    /** The {@code error.type} of a status number; unknown numbers keep their number. */
    public String errorType(int code) {
        return status(code).map(BlockStatus::errorType).orElse("status_" + code);
    }

    /** The errno name the kernel reports for a status number; EIO for unknown ones, as the kernel's table. */
    public String errno(int code) {
        return status(code).map(BlockStatus::errno).orElse("EIO");
    }

    /** Whether a failure with this status is expected in normal operation. */
    public boolean routine(int code) {
        return status(code).map(BlockStatus::routine).orElse(false);
    }
}
