package dev.ioguard.exporter.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ioguard.exporter.devices.DeviceTable;
import dev.ioguard.exporter.mounts.MountTable;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Kernel test (root): the loop-device helper that other kernel tests rely on leaves nothing behind, whatever happens. */
class LoopDeviceKernelTest {

    @BeforeEach
    void needsRoot() {
        Root.require();
        KernelAssumptions.requireProgram("losetup");
    }

    @Test
    void aNewDeviceIsAttachedToItsOwnFileAndClosingRemovesBoth() {
        LoopDevice loop = LoopDevice.create(16, false);
        Path dir = loop.directory();
        try {
            assertTrue(loop.name().matches("loop\\d+"), loop.name());
            assertEquals(loop.backingFile().toString(), Leaks.backingFile(loop.name()));
            assertEquals(16L * 1024 * 1024, loop.backingFile().toFile().length());
            assertEquals(loop.devNumber(), DeviceTable.read().byName(loop.name()).orElseThrow().devNumber());
            assertFalse(loop.directIoActive());
        } finally {
            loop.close();
        }
        assertFalse(Files.exists(dir));
        Leaks.assertNoneUnder(dir);
        loop.close();
    }

    @Test
    void directIoIsInForceWhenAskedFor() {
        try (LoopDevice loop = LoopDevice.create(16, true)) {
            assertTrue(loop.directIoActive());
        }
    }

    @Test
    void closingUnmountsEverythingMountedUnderItsDirectory() {
        LoopDevice loop = LoopDevice.create(32, false);
        Path dir = loop.directory();
        try {
            loop.mkfs("ext4");
            Mount mount = loop.mount("");
            Mount.bind(mount.mountPoint(), dir.resolve("bind"));
            Mount.tmpfs(mount.mountPoint().resolve("inner"), "size=1m");
            assertEquals(3, Leaks.mountsUnder(dir).size());
        } finally {
            loop.close();
        }
        Leaks.assertNoneUnder(dir);
        assertFalse(Files.exists(dir));
    }

    @Test
    void closingAlsoUnmountsMountsOfTheDeviceOutsideItsDirectory(@TempDir Path elsewhere) {
        LoopDevice loop = LoopDevice.create(32, false);
        try {
            loop.mkfs("ext4");
            Mount mount = loop.mount("");
            Mount.bind(mount.mountPoint(), elsewhere.resolve("bind"));
            Mount.overlay(elsewhere.resolve("lower"), mount.mountPoint().resolve("up"), mount.mountPoint().resolve("work"),
                    elsewhere.resolve("merged"));
            assertEquals(2, Leaks.mountsUnder(elsewhere).size());
        } finally {
            loop.close();
        }
        Leaks.assertNoneUnder(elsewhere);
        Leaks.assertNoneUnder(loop.directory());
    }

    @Test
    void aBusyMountIsUnmountedLazilyAndCloseSaysTheDeviceIsStillHeld() throws Exception {
        LoopDevice loop = LoopDevice.create(32, false);
        Path dir = loop.directory();
        try {
            loop.mkfs("ext4");
            Mount mount = loop.mount("");
            try (var open = Files.newOutputStream(mount.mountPoint().resolve("held-open"))) {
                IllegalStateException held = assertThrows(IllegalStateException.class, loop::close);
                assertTrue(held.getMessage().contains("still attached"), held.getMessage());
                assertTrue(Leaks.mountsUnder(dir).isEmpty(), "the mount was not detached lazily");
            }
        } finally {
            loop.close();
        }
        // Once the last file on the lazily unmounted filesystem is closed, the kernel lets the device go.
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (!Leaks.loopDevicesBackedUnder(dir).isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        Leaks.assertNoneUnder(dir);
    }

    @Test
    void aFailedStepLeavesTheDeviceToBeCleanedUpByClose() {
        LoopDevice loop = LoopDevice.create(16, false);
        Path dir = loop.directory();
        try {
            assertThrows(IllegalStateException.class, () -> loop.mkfs("no-such-filesystem"));
            assertThrows(IllegalStateException.class, () -> loop.mount("this-is-no-option"));
        } finally {
            loop.close();
        }
        Leaks.assertNoneUnder(dir);
        assertFalse(Files.exists(dir));
    }

    @Test
    void partitionsAppearAsDevicesOfTheirOwn() {
        try (LoopDevice loop = LoopDevice.builder().sizeMiB(20).partitions(3).create()) {
            DeviceTable table = DeviceTable.read();
            for (int n = 1; n <= 3; n++) {
                assertEquals(loop.partitionDevNumber(n), table.byName(loop.partitionName(n)).orElseThrow().devNumber());
            }
        }
    }
}
