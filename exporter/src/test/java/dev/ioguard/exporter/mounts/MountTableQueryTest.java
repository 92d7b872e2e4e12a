package dev.ioguard.exporter.mounts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Looking mounts up: by device, by mount point, by path, and overlays by the device under them. */
class MountTableQueryTest {

    private static final MountTable NODE = MountTable.parse("""
            27 1 254:0 / / rw,relatime - ext4 /dev/vda rw
            30 27 8:1 / /data rw,relatime - ext4 /dev/sda1 rw,errors=remount-ro
            31 27 8:17 / /data2 rw,relatime - ext4 /dev/sdb1 rw,errors=remount-ro,emergency_ro
            32 30 8:33 / /data/nested rw,relatime - xfs /dev/sdc1 rw
            33 27 8:1 /pods /var/log/pods rw,relatime shared:7 - ext4 /dev/sda1 rw,errors=remount-ro
            34 27 8:1 /ro-view /srv/ro-view ro,relatime - ext4 /dev/sda1 rw,errors=remount-ro
            40 27 0:50 / /run/c1 rw,relatime - overlay overlay rw,lowerdir=/l,upperdir=/data2/c1/up,workdir=/data2/c1/work
            41 27 0:51 / /run/c2 rw,relatime - overlay overlay rw,lowerdir=/l,upperdir=/data/c2/up,workdir=/data/c2/work
            42 27 0:52 / /run/c3 rw,relatime - overlay overlay rw,lowerdir=/l,upperdir=/data/nested/c3/up,workdir=/data/nested/c3/work
            43 27 0:53 / /run/c4 ro,relatime - overlay overlay ro,lowerdir=/data/a:/data/b
            44 27 0:54 / /datax rw,relatime - overlay overlay rw,lowerdir=/l,upperdir=/datax/up,workdir=/datax/work
            45 27 0:55 / /run/c5 rw,relatime - overlay overlay rw,lowerdir=/l,upperdir=/srv/ro-view/up,workdir=/srv/ro-view/work
            """);

    @Test
    void mountsOfADeviceIncludeItsBindMountsInFileOrder() {
        assertEquals(List.of("/data", "/var/log/pods", "/srv/ro-view"),
                NODE.mountsOf(8, 1).stream().map(MountInfo::mountPoint).toList());
        assertEquals(List.of(), NODE.mountsOf(8, 99));
    }

    @Test
    void byMountPointMatchesExactlyAfterNormalizing() {
        assertEquals(31, NODE.byMountPoint("/data2").orElseThrow().mountId());
        assertEquals(31, NODE.byMountPoint("/data2/").orElseThrow().mountId());
        assertEquals(32, NODE.byMountPoint("//data/./nested/../nested").orElseThrow().mountId());
        assertEquals(Optional.empty(), NODE.byMountPoint("/data2/sub"));
        assertEquals(Optional.empty(), NODE.byMountPoint("data2"));
    }

    @Test
    void resolveTakesTheLongestMountPointPrefixComponentByComponent() {
        assertEquals("/data2", NODE.resolve("/data2/x/y").orElseThrow().mountPoint());
        assertEquals("/data", NODE.resolve("/data/x").orElseThrow().mountPoint());
        assertEquals("/data/nested", NODE.resolve("/data/nested/z").orElseThrow().mountPoint());
        // "/data" is a string prefix of "/datafoo" but not a path prefix.
        assertEquals("/", NODE.resolve("/datafoo/z").orElseThrow().mountPoint());
        assertEquals("/", NODE.resolve("/").orElseThrow().mountPoint());
    }

    @Test
    void overlaysBackedByADeviceAreThoseWhoseUpperLiesOnIt() {
        assertEquals(List.of("/run/c2", "/run/c5"), mountPoints(NODE.overlaysBackedBy(8, 1)));
        assertEquals(List.of("/run/c1"), mountPoints(NODE.overlaysBackedBy(8, 17)));
        assertEquals(List.of("/run/c3"), mountPoints(NODE.overlaysBackedBy(8, 33)), "the nested mount hides /data");
        assertEquals(List.of("/datax"), mountPoints(NODE.overlaysBackedBy(254, 0)),
                "/datax/up is not on /data, and not on the overlay at /datax itself");
        assertEquals(List.of(), NODE.overlaysBackedBy(0, 50));
    }

    @Test
    void anOverlayMountedOverItsOwnUpperDirectoryResolvesToTheMountBeneath() {
        MountTable table = MountTable.parse("""
                27 1 254:0 / / rw - ext4 /dev/vda rw
                30 27 8:1 / /var/lib/c rw - ext4 /dev/sda1 rw
                50 30 0:60 / /var/lib/c rw - overlay overlay rw,lowerdir=/l,upperdir=/var/lib/c/up,workdir=/var/lib/c/work
                """);

        assertEquals(List.of(50), table.overlaysBackedBy(8, 1).stream().map(MountInfo::mountId).toList());
    }

    @Test
    void theVisibleMountOfAStackIsTheOneNothingIsMountedOn() {
        MountTable table = MountTable.parse("""
                27 1 254:0 / / rw - ext4 /dev/vda rw
                24 27 0:6 / /dev rw - devtmpfs devtmpfs rw
                29 26 0:26 / /dev/pts rw - devpts devpts rw
                26 24 0:24 / /dev/pts rw - devpts devpts rw
                """);

        // Listed first, but mounted on top of mount 26.
        assertEquals(29, table.byMountPoint("/dev/pts").orElseThrow().mountId());
        assertEquals(29, table.resolve("/dev/pts/0").orElseThrow().mountId());
        assertEquals(2, table.all().stream().filter(m -> m.mountPoint().equals("/dev/pts")).count());
    }

    @Test
    void anOverlayOverAFailedFilesystemIsEffectivelyReadOnlyThoughItsLineSaysRw() {
        MountInfo c1 = NODE.byMountPoint("/run/c1").orElseThrow();

        assertEquals(ReadOnlyState.WRITABLE, c1.readOnlyState());
        assertEquals("/data2", NODE.overlayUpperMount(c1).orElseThrow().mountPoint());
        assertEquals(ReadOnlyState.EMERGENCY_READONLY, NODE.effectiveReadOnlyState(c1));
    }

    @Test
    void aReadOnlyBindUnderAnOverlaysUpperDoesNotMakeTheOverlayReadOnly() {
        MountInfo c5 = NODE.byMountPoint("/run/c5").orElseThrow();

        assertEquals(ReadOnlyState.MOUNT_READONLY, NODE.overlayUpperMount(c5).orElseThrow().readOnlyState());
        assertEquals(ReadOnlyState.WRITABLE, NODE.effectiveReadOnlyState(c5));
    }

    @Test
    void theEffectiveStateOfOtherMountsIsTheirOwn() {
        assertEquals(ReadOnlyState.EMERGENCY_READONLY, NODE.effectiveReadOnlyState(NODE.byMountPoint("/data2").orElseThrow()));
        assertEquals(ReadOnlyState.MOUNT_READONLY, NODE.effectiveReadOnlyState(NODE.byMountPoint("/srv/ro-view").orElseThrow()));
        assertEquals(ReadOnlyState.SUPERBLOCK_READONLY, NODE.effectiveReadOnlyState(NODE.byMountPoint("/run/c4").orElseThrow()),
                "a read-only overlay without an upper layer");
    }

    @Test
    void resultsCannotBeChanged() {
        assertTrue(isUnmodifiable(NODE.all()));
        assertTrue(isUnmodifiable(NODE.mountsOf(8, 1)));
        assertTrue(isUnmodifiable(NODE.overlaysBackedBy(8, 1)));
    }

    private static List<String> mountPoints(List<MountInfo> mounts) {
        return mounts.stream().map(MountInfo::mountPoint).toList();
    }

    private static boolean isUnmodifiable(List<MountInfo> list) {
        try {
            list.clear();
            return false;
        } catch (UnsupportedOperationException e) {
            return true;
        }
    }
}
