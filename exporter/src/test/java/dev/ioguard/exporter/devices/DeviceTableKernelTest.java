package dev.ioguard.exporter.devices;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ioguard.exporter.testsupport.LoopDevice;
import dev.ioguard.exporter.testsupport.Root;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Kernel test (root): a partitioned loop device made by the test, seen through the real /proc/partitions and sysfs. */
class DeviceTableKernelTest {

    @BeforeEach
    void needsRoot() {
        Root.require();
    }

    @Test
    void partitionsOfALoopDeviceAreListedAndResolveToTheLoopDevice() {
        try (LoopDevice loop = LoopDevice.builder().sizeMiB(33).partitions(2).create()) {
            DeviceTable table = DeviceTable.read();

            BlockDevice disk = table.byName(loop.name()).orElseThrow(() -> new AssertionError(loop + " not in /proc/partitions"));
            assertEquals(loop.devNumber(), disk.devNumber());
            for (int n = 1; n <= 2; n++) {
                BlockDevice partition = table.byName(loop.partitionName(n))
                        .orElseThrow(() -> new AssertionError("partition not in /proc/partitions"));
                assertEquals(loop.partitionDevNumber(n), partition.devNumber());
                assertEquals(Optional.of(disk), table.wholeDisk(partition), "whole disk of " + partition);
            }
            assertEquals(Optional.of(disk), table.wholeDisk(disk));
        }
    }
}
