package dev.ioguard.exporter.mounts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Parsing /proc/self/mountinfo lines (proc(5)); the lines marked "measured" were copied from Linux 6.18 here. */
class MountTableParseTest {

    @Test
    void everyFieldOfALineIsRead() {
        MountInfo mount = only("36 35 98:0 /mnt1 /mnt/parent rw,noatime master:1 - ext3 /dev/root rw,errors=continue");

        assertEquals(36, mount.mountId());
        assertEquals(35, mount.parentId());
        assertEquals(98, mount.major());
        assertEquals(0, mount.minor());
        assertEquals("/mnt1", mount.root());
        assertEquals("/mnt/parent", mount.mountPoint());
        assertEquals(List.of("rw", "noatime"), mount.mountOptions());
        assertEquals("ext3", mount.fsType());
        assertEquals("/dev/root", mount.source());
        assertEquals(List.of("rw", "errors=continue"), mount.superOptions());
    }

    @Test
    void octalEscapesInPathsAreDecoded() {
        MountInfo mount = only("50 27 0:39 /sub\\134dir /tmp/a\\040b\\011c\\012d rw - tmpfs my\\040src rw");

        assertEquals("/tmp/a b\tc\nd", mount.mountPoint());
        assertEquals("/sub\\dir", mount.root());
        assertEquals("my src", mount.source());
    }

    @Test
    void measuredTabEscapeInATmpfsMountPoint() {
        assertEquals("/tmp/ioguard-probe.e9z1sy/tab\tx",
                only("42 27 0:39 / /tmp/ioguard-probe.e9z1sy/tab\\011x rw,relatime - tmpfs tmpfs rw").mountPoint());
    }

    @Test
    void aBackslashThatIsNoOctalEscapeIsKept() {
        assertEquals("/a\\x\\12", only("50 27 0:39 / /a\\x\\12 rw - tmpfs tmpfs rw").mountPoint());
    }

    @Test
    void escapedNonAsciiBytesAreDecodedAsUtf8() {
        assertEquals("/caf\u00e9", only("50 27 0:39 / /caf\\303\\251 rw - tmpfs tmpfs rw").mountPoint());
        assertEquals("/caf\u00e9", only("50 27 0:39 / /caf\u00e9 rw - tmpfs tmpfs rw").mountPoint());
    }

    @Test
    void optionalFieldsEndAtTheSeparator() {
        MountInfo mount = only("61 40 8:1 / /data rw,relatime shared:1 master:2 propagate_from:3 unbindable - xfs /dev/sda1 rw,attr2");

        assertEquals("/data", mount.mountPoint());
        assertEquals(List.of("rw", "relatime"), mount.mountOptions());
        assertEquals("xfs", mount.fsType());
        assertEquals(List.of("rw", "attr2"), mount.superOptions());
    }

    @Test
    void aBindMountIsTheSameDeviceWithAnotherRoot() {
        MountTable table = MountTable.parse("""
                27 1 254:0 / / rw,relatime - ext4 /dev/vda rw
                46 27 254:0 /srv/logs /var/log/pods rw,relatime shared:5 - ext4 /dev/vda rw
                """);

        MountInfo bind = table.byMountPoint("/var/log/pods").orElseThrow();
        assertEquals("/srv/logs", bind.root());
        assertEquals(table.all(), table.mountsOf(254, 0));
    }

    @Test
    void measuredOverlayWithACommaInUpperdirAndASpaceInWorkdir() {
        // mount -t overlay overlay -o 'lowerdir=.../low,upperdir=.../up\,per,workdir=.../wo rk' '.../m nt'
        MountInfo overlay = only("45 27 0:40 / /tmp/ioguard-probe.e9z1sy/m\\040nt rw,relatime - overlay overlay "
                + "rw,lowerdir=/tmp/ioguard-probe.e9z1sy/low,upperdir=/tmp/ioguard-probe.e9z1sy/up\\134\\054per,"
                + "workdir=/tmp/ioguard-probe.e9z1sy/wo\\040rk,uuid=on");

        assertTrue(overlay.isOverlay());
        assertEquals("/tmp/ioguard-probe.e9z1sy/m nt", overlay.mountPoint());
        assertEquals(Optional.of("/tmp/ioguard-probe.e9z1sy/up,per"), overlay.overlayUpperDir());
        assertEquals(Optional.of("/tmp/ioguard-probe.e9z1sy/wo rk"), overlay.overlayWorkDir());
        assertEquals(List.of("rw", "lowerdir=/tmp/ioguard-probe.e9z1sy/low", "upperdir=/tmp/ioguard-probe.e9z1sy/up\\,per",
                "workdir=/tmp/ioguard-probe.e9z1sy/wo rk", "uuid=on"), overlay.superOptions());
    }

    @Test
    void aCommaEscapedWithABackslashDoesNotSplitOptions() {
        MountInfo overlay = only("45 27 0:40 / /m rw - overlay overlay rw,lowerdir=/l,upperdir=/a\\,b\\,c,workdir=/w\\,x");

        assertEquals(Optional.of("/a,b,c"), overlay.overlayUpperDir());
        assertEquals(Optional.of("/w,x"), overlay.overlayWorkDir());
        assertEquals(4, overlay.superOptions().size());
    }

    @Test
    void emergencyReadOnlyAsLinux618ShowsItAfterTriggerFsError() {
        MountInfo mount = only("42 27 7:0 / /tmp/ioguard-probe.VmE3iK/mnt rw,relatime - ext4 /dev/loop0 rw,errors=remount-ro,emergency_ro");

        assertEquals(List.of("rw", "relatime"), mount.mountOptions());
        assertEquals(ReadOnlyState.EMERGENCY_READONLY, mount.readOnlyState());
    }

    @Test
    void roInMountOptionsAndRoInSuperOptionsAreTold() {
        MountTable table = MountTable.parse("""
                28 27 0:25 / /mnt/tools ro,nosuid,nodev,relatime - tmpfs tools rw,size=4k
                29 27 8:1 / /mnt/disk rw,relatime - ext4 /dev/sda1 ro
                """);

        assertEquals(ReadOnlyState.MOUNT_READONLY, table.byMountPoint("/mnt/tools").orElseThrow().readOnlyState());
        assertEquals(ReadOnlyState.SUPERBLOCK_READONLY, table.byMountPoint("/mnt/disk").orElseThrow().readOnlyState());
    }

    @Test
    void unknownFilesystemTypesAreKept() {
        MountTable table = MountTable.parse("""
                27 1 254:0 / / rw - ext4 /dev/vda rw
                70 27 0:77 / /weird rw - zonefs2099 whatever rw,frobnicate=7
                71 27 0:78 / /fuse rw,nosuid - fuse.sshfs user@host:/ rw,user_id=0
                """);

        assertEquals(3, table.all().size());
        assertEquals("zonefs2099", table.byMountPoint("/weird").orElseThrow().fsType());
        assertEquals("fuse.sshfs", table.byMountPoint("/fuse").orElseThrow().fsType());
        assertEquals(ReadOnlyState.WRITABLE, table.byMountPoint("/weird").orElseThrow().readOnlyState());
        assertEquals(List.of(), table.overlaysBackedBy(0, 77));
    }

    @Test
    void anEmptySourceIsAnEmptyString() {
        assertEquals("", only("80 27 0:90 / /nosrc rw - tmpfs  rw").source());
    }

    @Test
    void malformedLinesAreSkippedAndCounted() {
        MountTable table = MountTable.parse("""
                27 1 254:0 / / rw - ext4 /dev/vda rw
                garbage
                28 27 0:25 / /no-separator rw tmpfs tmpfs rw
                x 27 0:25 / /bad-id rw - tmpfs tmpfs rw
                29 27 0-25 / /bad-dev rw - tmpfs tmpfs rw
                30 27 0:25 / relative rw - tmpfs tmpfs rw
                31 27 0:25 / /short-after rw - tmpfs rw
                32 27 0:25 / /long-after rw - tmpfs tmpfs rw extra
                33 27 0:25 /short-before - tmpfs tmpfs rw
                34 27 -1:25 / /negative rw - tmpfs tmpfs rw
                35 27 0:25 / /empty-optional rw  - tmpfs tmpfs rw
                36 27 0:25 / /truncated-line rw - tmp
                40 27 0:26 / /good rw - tmpfs tmpfs rw
                """);

        assertEquals(List.of("/", "/good"), table.all().stream().map(MountInfo::mountPoint).toList());
        assertEquals(11, table.skippedLines());
    }

    @Test
    void blankLinesAreNeitherMountsNorMalformed() {
        MountTable table = MountTable.parse("\n27 1 254:0 / / rw - ext4 /dev/vda rw\n\n\n40 27 0:26 / /t rw - tmpfs tmpfs rw");

        assertEquals(2, table.all().size());
        assertEquals(0, table.skippedLines());
    }

    /** Runs against this process's namespace: the live file parses without a skipped line and has a root. */
    @Test
    void theLiveTableParsesCleanly() {
        MountTable table = MountTable.read();

        assertEquals(0, table.skippedLines());
        assertTrue(table.byMountPoint("/").isPresent());
        assertTrue(table.byMountPoint("/proc").isPresent());
        assertFalse(table.mountsOf(table.byMountPoint("/").get().major(), table.byMountPoint("/").get().minor()).isEmpty());
    }

    private static MountInfo only(String line) {
        MountTable table = MountTable.parse(line + "\n");
        assertEquals(0, table.skippedLines(), "line did not parse: " + line);
        assertEquals(1, table.all().size());
        return table.all().get(0);
    }
}
