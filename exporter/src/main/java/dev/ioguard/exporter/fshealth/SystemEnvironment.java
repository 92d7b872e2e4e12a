package dev.ioguard.exporter.fshealth;

import dev.ioguard.exporter.devices.DeviceTable;
import dev.ioguard.exporter.mounts.Ext4ErrorState;
import dev.ioguard.exporter.mounts.Ext4Superblock;
import dev.ioguard.exporter.mounts.HostPaths;
import dev.ioguard.exporter.mounts.MountTable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.Optional;

/** The running system, as seen through the node's paths. Immutable; safe for concurrent use. */
final class SystemEnvironment implements Environment {
    private final HostPaths paths;

    SystemEnvironment(HostPaths paths) {
        this.paths = paths;
    }

    @Override
    public MountTable readMountTable() {
        return MountTable.read(paths.mountinfo());
    }

    @Override
    public DeviceTable devices() {
        return DeviceTable.read();
    }

    @Override
    public Optional<Ext4ErrorState> ext4(String device) {
        try {
            return Ext4ErrorState.read(Ext4ErrorState.SYSFS_EXT4, device);
        } catch (UncheckedIOException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    @Override
    public Optional<Ext4Superblock> ext4Superblock(String device) {
        if (device.isBlank() || device.contains("/") || device.startsWith(".")) {
            return Optional.empty();
        }
        // The node's /dev under --path.rootfs first (a container's own /dev may lack the device).
        Optional<Ext4Superblock> onHost = Ext4Superblock.read(paths.onHost("/dev/" + device));
        return onHost.isPresent() ? onHost : Ext4Superblock.read(Path.of("/dev", device));
    }

    @Override
    public boolean xfsShutDown(String mountPoint) {
        try {
            Files.readAttributes(paths.onHost(mountPoint), BasicFileAttributes.class,
                    LinkOption.NOFOLLOW_LINKS);
            return false;
        } catch (NoSuchFileException e) {
            return false;
        } catch (IOException e) {
            // The JDK reports errno as text: "Input/output error" is EIO (strerror).
            return String.valueOf(e.getMessage()).contains("Input/output error");
        }
    }

    @Override
    public boolean deviceExists(DevNumber dev) {
        // /proc/partitions, not /sys/dev/block: container runtimes mask the latter.
        return DeviceTable.read().byNumber(dev.major(), dev.minor()).isPresent();
    }

    @Override
    public long nanoTime() {
        return System.nanoTime();
    }

    @Override
    public Instant now() {
        return Instant.now();
    }
}
