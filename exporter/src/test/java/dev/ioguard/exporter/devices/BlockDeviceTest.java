package dev.ioguard.exporter.devices;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class BlockDeviceTest {

    @Test
    void devNumberIsMajorColonMinorAsTheKernelPrintsIt() {
        assertEquals("259:3", new BlockDevice(259, 3, "nvme0n1p2").devNumber());
        assertEquals("7:0", new BlockDevice(7, 0, "loop0").devNumber());
    }

    @Test
    void aNameIsRequired() {
        assertThrows(IllegalArgumentException.class, () -> new BlockDevice(8, 0, " "));
        assertThrows(IllegalArgumentException.class, () -> new BlockDevice(8, 0, ""));
        assertThrows(NullPointerException.class, () -> new BlockDevice(8, 0, null));
    }

    @Test
    void deviceNumbersAreNotNegative() {
        assertThrows(IllegalArgumentException.class, () -> new BlockDevice(-1, 0, "sda"));
        assertThrows(IllegalArgumentException.class, () -> new BlockDevice(8, -1, "sda"));
    }
}
