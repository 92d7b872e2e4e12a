package dev.ioguard.exporter.mounts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ioguard.exporter.devices.DeviceNumbers;
import dev.ioguard.exporter.testsupport.KernelAssumptions;
import dev.ioguard.exporter.testsupport.Leaks;
import dev.ioguard.exporter.testsupport.LoopDevice;
import dev.ioguard.exporter.testsupport.Mount;
import dev.ioguard.exporter.testsupport.Root;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Kernel test (root): the incident's last step for real. An ext4 on a loop device made by the test, mounted with
 * {@code errors=remount-ro}, bind-mounted, and used as an overlay's upper layer; then
 * {@code /sys/fs/ext4/<dev>/trigger_fs_error} makes it fail.
 */
class Ext4FailureKernelTest {

    @BeforeEach
    void needsRootAndTools() {
        Root.require();
        KernelAssumptions.requireProgram("losetup");
        KernelAssumptions.requireProgram("mkfs.ext4");
        KernelAssumptions.require(Files.isDirectory(Path.of("/sys/fs/ext4")), "kernel has no ext4 (/sys/fs/ext4 missing)");
    }

    @Test
    void anExt4ErrorMakesTheMountItsBindAndItsOverlayReadOnly() throws Exception {
        Path dir;
        try (LoopDevice loop = LoopDevice.create(64, false)) {
            dir = loop.directory();
            loop.mkfs("ext4");
            // All three mounts lie under the loop device's directory: closing the device unmounts them.
            Mount ext4 = loop.mount("errors=remount-ro");
            String mountPoint = ext4.mountPoint().toString();
            Files.createDirectories(ext4.mountPoint().resolve("sub"));
            Mount bind = Mount.bind(ext4.mountPoint().resolve("sub"), dir.resolve("bind"));
            // Comma and space: mountinfo octal-escapes them and overlayfs backslash-escapes the comma.
            Path upper = ext4.mountPoint().resolve("layers/up,per dir");
            Mount overlay = Mount.overlay(dir.resolve("lower"), upper, ext4.mountPoint().resolve("layers/work"), dir.resolve("merged"));

            MountTable before = MountTable.read();
            MountInfo line = before.byMountPoint(mountPoint).orElseThrow();
            assertEquals(loop.devNumber(), line.devNumber());
            assertEquals("ext4", line.fsType());
            assertEquals(ReadOnlyState.WRITABLE, line.readOnlyState());
            long stDev = (long) Files.getAttribute(ext4.mountPoint(), "unix:dev");
            assertEquals(loop.devNumber(), DeviceNumbers.userMajor(stDev) + ":" + DeviceNumbers.userMinor(stDev),
                    "stat(2) st_dev decodes to the mountinfo device");
            assertEquals(List.of(mountPoint, bind.mountPoint().toString()),
                    before.mountsOf(loop.major(), loop.minor()).stream().map(MountInfo::mountPoint).toList());
            assertEquals("/sub", before.byMountPoint(bind.mountPoint().toString()).orElseThrow().root());
            List<MountInfo> overlays = before.overlaysBackedBy(loop.major(), loop.minor());
            assertEquals(List.of(overlay.mountPoint().toString()), overlays.stream().map(MountInfo::mountPoint).toList());
            assertEquals(Optional.of(upper.toString()), overlays.get(0).overlayUpperDir());
            Ext4ErrorState healthy = Ext4ErrorState.read(Ext4ErrorState.SYSFS_EXT4, loop.name()).orElseThrow();
            assertEquals(0, healthy.errorsCount());

            BlockingQueue<MountTable> tables = new LinkedBlockingQueue<>();
            Instant triggered;
            try (MountTableWatcher watcher = MountTableWatcher.start(MountTable.PROC_SELF_MOUNTINFO, tables::add)) {
                tables.poll(2, TimeUnit.SECONDS);
                triggered = Instant.now();
                Files.writeString(Path.of("/sys/fs/ext4", loop.name(), "trigger_fs_error"), "1");
                // emergency_ro raises no POLLPRI (measured on 6.18); the watcher's one-second re-read finds it.
                long seen = awaitEmergency(tables, mountPoint);
                assertTrue(seen <= 2_000, "emergency_ro seen by the watcher after " + seen + " ms");
            }

            MountTable after = MountTable.read();
            MountInfo failed = after.byMountPoint(mountPoint).orElseThrow();
            assertEquals(ReadOnlyState.EMERGENCY_READONLY, failed.readOnlyState());
            assertTrue(failed.mountOptions().contains("rw"), "the mount still says rw: " + failed.mountOptions());
            assertEquals(ReadOnlyState.EMERGENCY_READONLY,
                    after.byMountPoint(bind.mountPoint().toString()).orElseThrow().readOnlyState(), "the bind shares the superblock");
            MountInfo overlayLine = after.byMountPoint(overlay.mountPoint().toString()).orElseThrow();
            assertEquals(ReadOnlyState.WRITABLE, overlayLine.readOnlyState(), "the overlay's own line says nothing");
            assertEquals(ReadOnlyState.EMERGENCY_READONLY, after.effectiveReadOnlyState(overlayLine));
            assertThrows(IOException.class, () -> Files.writeString(ext4.mountPoint().resolve("after"), "x"));
            assertThrows(IOException.class, () -> Files.writeString(overlay.mountPoint().resolve("after"), "x"));

            Ext4ErrorState error = Ext4ErrorState.read(Ext4ErrorState.SYSFS_EXT4, loop.name()).orElseThrow();
            assertTrue(error.errorsCount() >= 1, error.toString());
            assertTrue(error.firstErrorFunction().filter(f -> !f.isBlank()).isPresent(), error.toString());
            assertTrue(error.firstErrorLine().isPresent(), error.toString());
            Instant when = error.firstErrorTime().orElseThrow();
            assertTrue(!when.isBefore(triggered.minusSeconds(1)) && !when.isAfter(Instant.now().plusSeconds(1)),
                    "first error at " + when + ", triggered at " + triggered);
            assertEquals(error.firstErrorFunction(), error.lastErrorFunction());
        }
        Leaks.assertNoneUnder(dir);
    }

    private static long awaitEmergency(BlockingQueue<MountTable> tables, String mountPoint) throws InterruptedException {
        long start = System.nanoTime();
        long deadline = start + TimeUnit.SECONDS.toNanos(3);
        while (true) {
            MountTable table = tables.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            assertTrue(table != null, "the watcher delivered no table with emergency_ro within 3 s");
            Optional<MountInfo> mount = table.byMountPoint(mountPoint);
            if (mount.isPresent() && mount.get().readOnlyState() == ReadOnlyState.EMERGENCY_READONLY) {
                return (System.nanoTime() - start) / 1_000_000;
            }
        }
    }
}
