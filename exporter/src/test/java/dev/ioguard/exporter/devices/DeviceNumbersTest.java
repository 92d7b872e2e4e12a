package dev.ioguard.exporter.devices;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DeviceNumbersTest {

    @Test
    void kernelDevTIsMajorShiftedPastTwentyMinorBits() {
        assertEquals((259L << 20) | 1, DeviceNumbers.kernelDevT(259, 1));
        assertEquals(0x0070_0003L, DeviceNumbers.kernelDevT(7, 3));
        assertEquals(0xFFFF_FFFFL, DeviceNumbers.kernelDevT(4095, 1_048_575));
    }

    @ParameterizedTest
    @CsvSource({"0,0", "7,0", "8,17", "254,0", "259,65536", "4095,1048575"})
    void kernelEncodingRoundTrips(int major, int minor) {
        long devT = DeviceNumbers.kernelDevT(major, minor);
        assertEquals(major, DeviceNumbers.major(devT));
        assertEquals(minor, DeviceNumbers.minor(devT));
    }

    @Test
    void kernelEncodingRejectsWhatDoesNotFitThirtyTwoBits() {
        assertThrows(IllegalArgumentException.class, () -> DeviceNumbers.kernelDevT(4096, 0));
        assertThrows(IllegalArgumentException.class, () -> DeviceNumbers.kernelDevT(0, 1 << 20));
        assertThrows(IllegalArgumentException.class, () -> DeviceNumbers.kernelDevT(-1, 0));
        assertThrows(IllegalArgumentException.class, () -> DeviceNumbers.major(1L << 32));
        assertThrows(IllegalArgumentException.class, () -> DeviceNumbers.minor(-1));
    }

    /** Expected values are glibc's makedev() (through Python's os.makedev) on this machine. */
    @ParameterizedTest
    @CsvSource({"259,1,66305", "8,300,1050668", "4095,1048575,4294967295", "7,0,1792", "254,0,65024"})
    void userEncodingMatchesGlibcMakedev(int major, int minor, long glibc) {
        assertEquals(glibc, DeviceNumbers.userDevT(major, minor));
        assertEquals(major, DeviceNumbers.userMajor(glibc));
        assertEquals(minor, DeviceNumbers.userMinor(glibc));
    }

    @Test
    void theTwoEncodingsDifferSoMixingThemUpIsVisible() {
        long kernel = DeviceNumbers.kernelDevT(8, 1);
        assertNotEquals(kernel, DeviceNumbers.userDevT(8, 1));
        assertNotEquals(8, DeviceNumbers.userMajor(kernel));
    }
}
