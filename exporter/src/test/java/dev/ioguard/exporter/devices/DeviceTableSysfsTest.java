package dev.ioguard.exporter.devices;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Whole-disk resolution against a fake sysfs laid out as the kernel lays out the real one: {@code dev/block/M:m}
 * are relative symlinks into {@code devices/}, a partition's directory lies inside its disk's directory and holds
 * a {@code partition} file, and each directory's {@code dev} file holds "M:m".
 */
class DeviceTableSysfsTest {

    @TempDir
    Path sysfs;

    @BeforeEach
    void fakeSysfs() throws IOException {
        Path nvme = disk("devices/pci0000:00/0000:00:04.0/nvme/nvme0/nvme0n1", "259:0");
        partition(nvme.resolve("nvme0n1p1"), "259:1", 1);
        partition(nvme.resolve("nvme0n1p2"), "259:2", 2);
        disk("devices/virtual/block/loop0", "7:0");
        Path cciss = disk("devices/pci0000:00/0000:00:05.0/cciss0/block/cciss!c0d0", "104:0");
        partition(cciss.resolve("cciss!c0d0p1"), "104:1", 1);
        // Partitions beyond the loop driver's minors get extended numbers (major 259) but stay inside their disk.
        Path loop1 = disk("devices/virtual/block/loop1", "7:1");
        partition(loop1.resolve("loop1p1"), "259:7", 1);
    }

    @Test
    void aPartitionResolvesToTheDiskItLiesIn() {
        DeviceTable table = DeviceTable.parse("", sysfs);

        assertEquals(Optional.of(new BlockDevice(259, 0, "nvme0n1")), table.wholeDisk(new BlockDevice(259, 2, "nvme0n1p2")));
        assertEquals(Optional.of(new BlockDevice(7, 1, "loop1")), table.wholeDisk(new BlockDevice(259, 7, "loop1p1")));
    }

    @Test
    void aWholeDiskIsItsOwnWholeDisk() {
        DeviceTable table = DeviceTable.parse("", sysfs);

        assertEquals(Optional.of(new BlockDevice(7, 0, "loop0")), table.wholeDisk(new BlockDevice(7, 0, "loop0")));
        assertEquals(Optional.of(new BlockDevice(259, 0, "nvme0n1")), table.wholeDisk(new BlockDevice(259, 0, "nvme0n1")));
    }

    @Test
    void aDeviceSysfsDoesNotKnowHasNoWholeDisk() {
        DeviceTable table = DeviceTable.parse("", sysfs);

        assertEquals(Optional.empty(), table.wholeDisk(new BlockDevice(8, 0, "sda")));
    }

    @Test
    void sysfsBangInANameIsTheKernelsSlash() {
        DeviceTable table = DeviceTable.parse("", sysfs);

        assertEquals(Optional.of(new BlockDevice(104, 0, "cciss/c0d0")), table.wholeDisk(new BlockDevice(104, 1, "cciss/c0d0p1")));
    }

    @Test
    void theDiskEntryOfTheTableIsReturnedWhenItIsListed() {
        DeviceTable table = DeviceTable.parse("259 0 500107608 nvme0n1\n259 1 524288 nvme0n1p1\n", sysfs);

        assertEquals(table.byNumber(259, 0), table.wholeDisk(table.byName("nvme0n1p1").orElseThrow()));
    }

    @Test
    void aPartitionWhoseDiskHasNoDevFileHasNoWholeDisk() throws IOException {
        Path broken = disk("devices/virtual/block/broken0", "250:0");
        Files.delete(broken.resolve("dev"));
        partition(broken.resolve("broken0p1"), "250:1", 1);

        assertEquals(Optional.empty(), DeviceTable.parse("", sysfs).wholeDisk(new BlockDevice(250, 1, "broken0p1")));
    }

    @Test
    void readTakesBothFilesFromTheGivenPaths() throws IOException {
        Path partitions = Files.writeString(sysfs.resolve("partitions"), "major minor  #blocks  name\n\n 259 1 524288 nvme0n1p1\n");

        DeviceTable table = DeviceTable.read(partitions, sysfs);

        assertEquals(Optional.of(new BlockDevice(259, 0, "nvme0n1")), table.wholeDisk(table.all().get(0)));
    }

    private Path disk(String path, String devNumber) throws IOException {
        Path dir = Files.createDirectories(sysfs.resolve(path));
        Files.writeString(dir.resolve("dev"), devNumber + "\n");
        link(dir, devNumber);
        return dir;
    }

    private void partition(Path dir, String devNumber, int number) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("dev"), devNumber + "\n");
        Files.writeString(dir.resolve("partition"), number + "\n");
        link(dir, devNumber);
    }

    private void link(Path target, String devNumber) throws IOException {
        Path blockDir = Files.createDirectories(sysfs.resolve("dev/block"));
        Files.createSymbolicLink(blockDir.resolve(devNumber), blockDir.relativize(target));
    }
}
