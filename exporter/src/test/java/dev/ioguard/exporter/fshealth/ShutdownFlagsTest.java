package dev.ioguard.exporter.fshealth;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ioguard.exporter.fs.FsEvent;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Shutdown flags say why: xfs in its own flags, ext4 through whether the device is still there. */
class ShutdownFlagsTest {
    @Test
    void xfsIoShutdownIsAdminAlthoughItAlsoSetsLogIo() {
        // xfs_io -x -c shutdown: XFS_FSOP_GOING_FLAGS_NOLOGFLUSH -> force_umount | log_io (6, measured).
        assertEquals(List.of("log_io", "force_umount"), ShutdownFlags.names(FsEvent.Kind.XFS_SHUTDOWN, 6));
        assertEquals(Cause.ADMIN, ShutdownFlags.cause(FsEvent.Kind.XFS_SHUTDOWN, 6, true));
    }

    @Test
    void xfsCausesInOrderOfPrecedence() {
        assertEquals(Cause.DEVICE_REMOVED, ShutdownFlags.cause(FsEvent.Kind.XFS_SHUTDOWN, 0x20 | 0x2, false));
        assertEquals(Cause.FS_ERROR, ShutdownFlags.cause(FsEvent.Kind.XFS_SHUTDOWN, 0x1, true));
        assertEquals(Cause.FS_ERROR, ShutdownFlags.cause(FsEvent.Kind.XFS_SHUTDOWN, 0x10, true));
        assertEquals(Cause.UNKNOWN, ShutdownFlags.cause(FsEvent.Kind.XFS_SHUTDOWN, 0, true));
        assertEquals(List.of("metadata_io", "corrupt_incore", "corrupt_ondisk", "device_removed"),
                ShutdownFlags.names(FsEvent.Kind.XFS_SHUTDOWN, 0x1 | 0x8 | 0x10 | 0x20));
    }

    @Test
    void ext4FlagsNameTheIoctlModes() {
        assertEquals(List.of("default"), ShutdownFlags.names(FsEvent.Kind.EXT4_SHUTDOWN, 0));
        assertEquals(List.of("logflush"), ShutdownFlags.names(FsEvent.Kind.EXT4_SHUTDOWN, 1));
        assertEquals(List.of("nologflush"), ShutdownFlags.names(FsEvent.Kind.EXT4_SHUTDOWN, 2));
        assertEquals(Cause.ADMIN, ShutdownFlags.cause(FsEvent.Kind.EXT4_SHUTDOWN, 2, true));
        assertEquals(Cause.DEVICE_REMOVED, ShutdownFlags.cause(FsEvent.Kind.EXT4_SHUTDOWN, 2, false));
    }
}
