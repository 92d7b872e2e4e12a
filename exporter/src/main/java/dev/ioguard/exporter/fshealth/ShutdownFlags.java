package dev.ioguard.exporter.fshealth;

import dev.ioguard.exporter.fs.FsEvent;
import java.util.ArrayList;
import java.util.List;

/**
 * What the flags of a shutdown tracepoint say. xfs: {@code SHUTDOWN_*} of fs/xfs/xfs_mount.h (the
 * classic tracepoint prints the same names); ext4: {@code EXT4_GOING_FLAGS_*} of the shutdown ioctl.
 * Stateless.
 */
final class ShutdownFlags {
    static final int XFS_META_IO_ERROR = 0x1;
    static final int XFS_LOG_IO_ERROR = 0x2;
    static final int XFS_FORCE_UMOUNT = 0x4;
    static final int XFS_CORRUPT_INCORE = 0x8;
    static final int XFS_CORRUPT_ONDISK = 0x10;
    static final int XFS_DEVICE_REMOVED = 0x20;

    private ShutdownFlags() {}

    /** The flag names, e.g. {@code [log_io, force_umount]} for {@code xfs_io -x -c shutdown}. */
    static List<String> names(FsEvent.Kind kind, int flags) {
        List<String> names = new ArrayList<>();
        if (kind == FsEvent.Kind.XFS_SHUTDOWN) {
            add(names, flags, XFS_META_IO_ERROR, "metadata_io");
            add(names, flags, XFS_LOG_IO_ERROR, "log_io");
            add(names, flags, XFS_FORCE_UMOUNT, "force_umount");
            add(names, flags, XFS_CORRUPT_INCORE, "corrupt_incore");
            add(names, flags, XFS_CORRUPT_ONDISK, "corrupt_ondisk");
            add(names, flags, XFS_DEVICE_REMOVED, "device_removed");
        } else {
            names.add(switch (flags) {
                case 0 -> "default";
                case 1 -> "logflush";
                case 2 -> "nologflush";
                default -> "flags_" + flags;
            });
        }
        return names;
    }

    /**
     * Why the filesystem was shut down. xfs says it in its flags; precedence: the device went away,
     * someone asked for it ({@code xfs_io -x -c shutdown} sets force_umount together with log_io),
     * an IO error or corruption. ext4's flags do not tell the shutdown ioctl from a removed device,
     * so ext4 is {@link Cause#DEVICE_REMOVED} when its device is gone by then, else {@link Cause#ADMIN}
     * (the ioctl is the only other caller).
     */
    static Cause cause(FsEvent.Kind kind, int flags, boolean deviceExists) {
        if (kind == FsEvent.Kind.XFS_SHUTDOWN) {
            if ((flags & XFS_DEVICE_REMOVED) != 0) {
                return Cause.DEVICE_REMOVED;
            }
            if ((flags & XFS_FORCE_UMOUNT) != 0) {
                return Cause.ADMIN;
            }
            if ((flags & (XFS_META_IO_ERROR | XFS_LOG_IO_ERROR | XFS_CORRUPT_INCORE | XFS_CORRUPT_ONDISK)) != 0) {
                return Cause.FS_ERROR;
            }
            return Cause.UNKNOWN;
        }
        return deviceExists ? Cause.ADMIN : Cause.DEVICE_REMOVED;
    }

    private static void add(List<String> names, int flags, int bit, String name) {
        if ((flags & bit) != 0) {
            names.add(name);
        }
    }
}
