package dev.ioguard.exporter.mounts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MountInfoTest {

    @ParameterizedTest(name = "mount {0}, super {1} -> {2}")
    @CsvSource(delimiter = '|', value = {
        "rw,relatime        | rw,errors=remount-ro                  | WRITABLE",
        "ro,relatime        | rw,errors=remount-ro                  | MOUNT_READONLY",
        "rw,relatime        | ro,errors=remount-ro                  | SUPERBLOCK_READONLY",
        "ro,relatime        | ro                                    | SUPERBLOCK_READONLY",
        // Linux 6.18 after trigger_fs_error under errors=remount-ro (measured): both fields still say rw.
        "rw,relatime        | rw,errors=remount-ro,emergency_ro     | EMERGENCY_READONLY",
        "ro,relatime        | ro,emergency_ro                       | EMERGENCY_READONLY",
        // Linux 6.18 after xfs_io -x -c shutdown on ext4 (measured): only the super options tell.
        "rw,relatime        | rw,shutdown                           | SHUT_DOWN",
        // Option names are whole words: neither of these is "ro".
        "rw,nosuid,rootcontext=x | rw,errors=ro_but_not_really      | WRITABLE",
    })
    void readOnlyStateIsTheMostSevereThatApplies(String mountOptions, String superOptions, ReadOnlyState expected) {
        MountInfo mount = ext4(List.of(mountOptions.split(",")), List.of(superOptions.split(",")));

        assertEquals(expected, mount.readOnlyState());
        assertEquals(expected != ReadOnlyState.WRITABLE, mount.readOnlyState().readOnly());
    }

    @Test
    void severityOrdersTheStates() {
        assertEquals(ReadOnlyState.EMERGENCY_READONLY, ReadOnlyState.MOUNT_READONLY.worse(ReadOnlyState.EMERGENCY_READONLY));
        assertEquals(ReadOnlyState.SUPERBLOCK_READONLY, ReadOnlyState.SUPERBLOCK_READONLY.worse(ReadOnlyState.WRITABLE));
        assertFalse(ReadOnlyState.WRITABLE.readOnly());
        assertEquals(ReadOnlyState.SHUT_DOWN, ReadOnlyState.EMERGENCY_READONLY.worse(ReadOnlyState.SHUT_DOWN));
    }

    @Test
    void onlySuperblockStatesReachEveryMountAndOverlay() {
        assertFalse(ReadOnlyState.WRITABLE.superblockWide());
        assertFalse(ReadOnlyState.MOUNT_READONLY.superblockWide());
        assertTrue(ReadOnlyState.SUPERBLOCK_READONLY.superblockWide());
        assertTrue(ReadOnlyState.EMERGENCY_READONLY.superblockWide());
        assertTrue(ReadOnlyState.SHUT_DOWN.superblockWide());
    }

    @Test
    void devNumberIsMajorColonMinor() {
        assertEquals("254:0", ext4(List.of("rw"), List.of("rw")).devNumber());
    }

    @Test
    void overlayDirectoriesComeFromTheSuperOptionsWithOverlayEscapesRemoved() {
        MountInfo overlay = new MountInfo(45, 27, 0, 40, "/", "/merged", List.of("rw"), "overlay", "overlay",
                List.of("rw", "lowerdir=/l", "upperdir=/data/up\\,per", "workdir=/data/wo rk", "uuid=on"));

        assertTrue(overlay.isOverlay());
        assertEquals(Optional.of("/data/up,per"), overlay.overlayUpperDir());
        assertEquals(Optional.of("/data/wo rk"), overlay.overlayWorkDir());
    }

    @Test
    void aReadOnlyOverlayHasNoUpperOrWorkDirectory() {
        MountInfo overlay = new MountInfo(45, 27, 0, 40, "/", "/merged", List.of("ro"), "overlay", "overlay",
                List.of("ro", "lowerdir=/a:/b"));

        assertEquals(Optional.empty(), overlay.overlayUpperDir());
        assertEquals(Optional.empty(), overlay.overlayWorkDir());
    }

    @Test
    void otherFilesystemsHaveNoOverlayDirectoriesWhateverTheirOptionsSay() {
        MountInfo fuse = new MountInfo(50, 27, 0, 41, "/", "/f", List.of("rw"), "fuse.fuse-overlayfs", "fuse-overlayfs",
                List.of("rw", "upperdir=/x"));

        assertFalse(fuse.isOverlay());
        assertEquals(Optional.empty(), fuse.overlayUpperDir());
    }

    @Test
    void optionListsAreCopiedAndCannotBeChanged() {
        List<String> options = new ArrayList<>(List.of("rw"));
        MountInfo mount = ext4(options, options);
        options.add("ro");

        assertEquals(List.of("rw"), mount.mountOptions());
        assertThrows(UnsupportedOperationException.class, () -> mount.superOptions().add("ro"));
    }

    @Test
    void aMountPointIsAbsoluteAndNumbersAreNotNegative() {
        assertThrows(IllegalArgumentException.class,
                () -> new MountInfo(1, 1, 8, 0, "/", "relative", List.of(), "ext4", "/dev/sda", List.of()));
        assertThrows(IllegalArgumentException.class,
                () -> new MountInfo(1, 1, -8, 0, "/", "/", List.of(), "ext4", "/dev/sda", List.of()));
    }

    private static MountInfo ext4(List<String> mountOptions, List<String> superOptions) {
        return new MountInfo(42, 27, 254, 0, "/", "/data", mountOptions, "ext4", "/dev/vda", superOptions);
    }
}
