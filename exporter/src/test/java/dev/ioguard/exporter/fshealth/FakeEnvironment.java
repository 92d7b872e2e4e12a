package dev.ioguard.exporter.fshealth;

import dev.ioguard.exporter.devices.DeviceTable;
import dev.ioguard.exporter.mounts.Ext4ErrorState;
import dev.ioguard.exporter.mounts.Ext4Superblock;
import dev.ioguard.exporter.mounts.MountTable;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * A system for the tracker's tests: a mount table text, device names, ext4 error records and xfs
 * mounts that answer EIO, all set by the test, and a clock that moves only when told. Not
 * thread-safe: one test drives it.
 */
final class FakeEnvironment implements Environment {
    private final StringBuilder partitions = new StringBuilder("major minor  #blocks  name\n\n");
    String mountinfo = "";
    long nanos = 1_000_000_000L;
    Instant wall = Instant.parse("2026-11-26T20:00:00Z");
    final Map<String, Long> ext4Errors = new HashMap<>();
    /** Full records, where a test needs error times; they win over {@link #ext4Errors}. */
    final Map<String, Ext4ErrorState> ext4Records = new HashMap<>();
    final Map<String, Ext4Superblock> ext4Superblocks = new HashMap<>();
    final Set<String> xfsDown = new HashSet<>();
    final Set<DevNumber> removed = new HashSet<>();

    FakeEnvironment device(int major, int minor, String name) {
        partitions.append(String.format("%4d %7d %10d %s%n", major, minor, 65536, name));
        return this;
    }

    /** Moves both clocks. */
    void advanceMillis(long millis) {
        nanos += millis * 1_000_000L;
        wall = wall.plusMillis(millis);
    }

    MountTable table() {
        return MountTable.parse(mountinfo, nanos);
    }

    @Override
    public MountTable readMountTable() {
        return table();
    }

    @Override
    public DeviceTable devices() {
        return DeviceTable.parse(partitions.toString());
    }

    @Override
    public Optional<Ext4ErrorState> ext4(String device) {
        if (ext4Records.containsKey(device)) {
            return Optional.of(ext4Records.get(device));
        }
        Long count = ext4Errors.get(device);
        if (count == null) {
            return Optional.empty();
        }
        boolean errors = count > 0;
        return Optional.of(new Ext4ErrorState(device, count, Optional.empty(), Optional.empty(), OptionalInt.empty(),
                Optional.empty(), errors ? Optional.of("ext4_journal_check_start") : Optional.empty(),
                errors ? OptionalInt.of(84) : OptionalInt.empty(), errors ? OptionalInt.of(2) : OptionalInt.empty(),
                OptionalInt.empty()));
    }

    @Override
    public Optional<Ext4Superblock> ext4Superblock(String device) {
        return Optional.ofNullable(ext4Superblocks.get(device));
    }

    @Override
    public boolean xfsShutDown(String mountPoint) {
        return xfsDown.contains(mountPoint);
    }

    @Override
    public boolean deviceExists(DevNumber dev) {
        return !removed.contains(dev);
    }

    @Override
    public long nanoTime() {
        return nanos;
    }

    @Override
    public Instant now() {
        return wall;
    }

    /** One mountinfo line. */
    static String line(int id, String dev, String root, String mountPoint, String mountOptions, String type,
            String source, String superOptions) {
        return id + " 1 " + dev + " " + root + " " + mountPoint + " " + mountOptions + " - " + type + " " + source
                + " " + superOptions + "\n";
    }

    static String lines(List<String> lines) {
        return String.join("", lines);
    }
}
