package dev.ioguard.exporter.devices;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** /proc/partitions parsing; the sysfs side is in {@link DeviceTableSysfsTest}. */
class DeviceTableTest {

    /** The kernel's format: a header, a blank line, then "%4d  %7d %10llu %s" per device. */
    private static final String PARTITIONS = """
            major minor  #blocks  name

             254        0  268435456 vda
             254        1  268434432 vda1
             259        0  500107608 nvme0n1
             259        1     524288 nvme0n1p1
             259        2  499581952 nvme0n1p2
               7        0      65536 loop0
               7        1     131072 loop1
             179        0   31166976 mmcblk0
             179        1   31165952 mmcblk0p1
             253        0    4194304 dm-0
            """;

    @Test
    void everyDeviceLineBecomesADeviceInFileOrder() {
        DeviceTable table = DeviceTable.parse(PARTITIONS);

        assertEquals(10, table.all().size());
        assertEquals(new BlockDevice(254, 0, "vda"), table.all().get(0));
        assertEquals(new BlockDevice(253, 0, "dm-0"), table.all().get(9));
        assertEquals(0, table.skippedLines(), "the header and the blank line are not malformed");
    }

    @Test
    void devicesAreFoundByNumberAndByName() {
        DeviceTable table = DeviceTable.parse(PARTITIONS);

        assertEquals(Optional.of(new BlockDevice(259, 2, "nvme0n1p2")), table.byNumber(259, 2));
        assertEquals(Optional.of(new BlockDevice(7, 1, "loop1")), table.byName("loop1"));
        assertEquals(Optional.of(new BlockDevice(179, 1, "mmcblk0p1")), table.byName("mmcblk0p1"));
        assertEquals(Optional.empty(), table.byNumber(8, 0));
        assertEquals(Optional.empty(), table.byName("sda"));
    }

    @Test
    void malformedLinesAreSkippedAndCountedNeverThrown() {
        String text = """
                major minor  #blocks  name

                 254        0  268435456 vda
                garbage
                 254        x  100 vdb
                 8 0 100
                 8 1 100 sda1 extra
                 -1 0 100 neg
                 8 2 -5 sda2
                 99999999999 0 1 huge
                 8       16   1048576 sdb
                """;
        DeviceTable table = DeviceTable.parse(text);

        assertEquals(List.of("vda", "sdb"), table.all().stream().map(BlockDevice::name).toList());
        assertEquals(7, table.skippedLines());
    }

    @Test
    void blankLinesAnywhereAndAMissingFinalNewlineAreFine() {
        DeviceTable table = DeviceTable.parse("\n\n   7  0  65536 loop0\n\n\n   7  1  65536 loop1");

        assertEquals(List.of("loop0", "loop1"), table.all().stream().map(BlockDevice::name).toList());
        assertEquals(0, table.skippedLines());
    }

    @Test
    void anEmptyTextIsAnEmptyTable() {
        DeviceTable table = DeviceTable.parse("");

        assertTrue(table.all().isEmpty());
        assertEquals(0, table.skippedLines());
    }

    @Test
    void aDuplicateNumberKeepsTheFirstLine() {
        DeviceTable table = DeviceTable.parse("   8 0 100 sda\n   8 0 100 sdz\n");

        assertEquals(Optional.of(new BlockDevice(8, 0, "sda")), table.byNumber(8, 0));
        assertEquals(Optional.of(new BlockDevice(8, 0, "sdz")), table.byName("sdz"));
    }

    @Test
    void theTableIsASnapshotThatCallersCannotChange() {
        DeviceTable table = DeviceTable.parse(PARTITIONS);

        assertThrows(UnsupportedOperationException.class, () -> table.all().clear());
    }

    /** Runs against this machine: every listed device is known to sysfs and resolves to a whole disk that sysfs knows too. */
    @Test
    void theLiveTableParsesCleanlyAndEveryDeviceHasAWholeDisk() {
        DeviceTable table = DeviceTable.read();

        assertFalse(table.all().isEmpty(), "/proc/partitions lists no device");
        assertEquals(0, table.skippedLines());
        for (BlockDevice device : table.all()) {
            assertTrue(Files.exists(Path.of("/sys/dev/block", device.devNumber())), device + " is not in sysfs");
            BlockDevice disk = table.wholeDisk(device).orElseThrow(() -> new AssertionError(device + " has no whole disk"));
            assertTrue(Files.exists(Path.of("/sys/dev/block", disk.devNumber())), disk + " is not in sysfs");
        }
    }
}
