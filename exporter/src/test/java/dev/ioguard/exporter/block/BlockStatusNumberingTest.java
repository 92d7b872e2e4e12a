package dev.ioguard.exporter.block;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ioguard.bpf.Features;
import dev.ioguard.exporter.testsupport.KernelAssumptions;
import dev.ioguard.exporter.testsupport.KernelMatrix;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** blk_status_t numbers as the kernel headers define them, before and since 6.10. */
class BlockStatusNumberingTest {
    /** Debian's linux-headers-6.1.0-56-common (6.1.192), include/linux/blk_types.h, and 6.5-6.9's 18. */
    private static final Map<Integer, String> BEFORE_6_10 = table(
            "not_supported", "timeout", "no_space", "transport", "target", "reservation_conflict", "medium",
            "protection", "resource", "io", "dm_requeue", "again", "device_resource", "zone_resource",
            "zone_open_resource", "zone_active_resource", "offline", "duration_limit");
    /** 6.10 to 6.18: BLK_STS_ZONE_RESOURCE gone, 18 unused, BLK_STS_INVAL 19. */
    private static final Map<Integer, String> SINCE_6_10 = table(
            "not_supported", "timeout", "no_space", "transport", "target", "reservation_conflict", "medium",
            "protection", "resource", "io", "dm_requeue", "again", "device_resource", "zone_open_resource",
            "zone_active_resource", "offline", "duration_limit", "status_18", "invalid");

    @Test
    void before610TheZoneOfflineAndDurationStatusesSitOneHigher() {
        BEFORE_6_10.forEach((code, type) -> assertEquals(type,
                BlockStatusNumbering.BEFORE_6_10.errorType(code), "status " + code));
        assertEquals("status_19", BlockStatusNumbering.BEFORE_6_10.errorType(19));
        assertEquals("ENODEV", BlockStatusNumbering.BEFORE_6_10.errno(17));
        assertEquals("ETIME", BlockStatusNumbering.BEFORE_6_10.errno(18));
    }

    @Test
    void since610TheyMovedDownByOne() {
        SINCE_6_10.forEach((code, type) -> assertEquals(type,
                BlockStatusNumbering.SINCE_6_10.errorType(code), "status " + code));
        assertEquals("ENODEV", BlockStatusNumbering.SINCE_6_10.errno(16));
        assertEquals("ETIME", BlockStatusNumbering.SINCE_6_10.errno(17));
        assertEquals("EINVAL", BlockStatusNumbering.SINCE_6_10.errno(19));
    }

    @Test
    void unknownNumbersKeepTheirNumberAndOnlyNotSupportedIsRoutine() {
        for (BlockStatusNumbering n : BlockStatusNumbering.values()) {
            assertEquals("status_0", n.errorType(0));
            assertEquals("status_200", n.errorType(200));
            assertEquals("EIO", n.errno(200));
            assertTrue(n.routine(1));
            for (int code = 2; code < 20; code++) {
                assertFalse(n.routine(code), n + " " + code);
            }
            assertEquals("io", n.errorType(10));
            assertEquals("EOPNOTSUPP", n.errno(1));
        }
    }

    @Test
    void theZoneWritePluggingFlagDecides() {
        assertEquals(BlockStatusNumbering.SINCE_6_10, BlockStatusNumbering.fromMarker(Features.Status.SUPPORTED));
        assertEquals(BlockStatusNumbering.BEFORE_6_10, BlockStatusNumbering.fromMarker(Features.Status.UNSUPPORTED));
        assertEquals(BlockStatusNumbering.SINCE_6_10, BlockStatusNumbering.fromMarker(Features.Status.UNKNOWN));
    }

    /** On each kernel of the matrix too: 6.1 has BIO_ZONE_WRITE_LOCKED, 6.18 BIO_ZONE_WRITE_PLUGGING. */
    @Test
    @Tag(KernelMatrix.TAG)
    void theRunningKernelsBtfGivesItsNumbering() {
        KernelAssumptions.require(Files.isReadable(Path.of("/sys/kernel/btf/vmlinux")), "kernel has no BTF");
        Matcher version = Pattern.compile("^(\\d+)\\.(\\d+)").matcher(System.getProperty("os.version"));
        assertTrue(version.find(), System.getProperty("os.version"));
        int major = Integer.parseInt(version.group(1));
        int minor = Integer.parseInt(version.group(2));
        boolean since610 = major > 6 || (major == 6 && minor >= 10);

        assertEquals(since610 ? BlockStatusNumbering.SINCE_6_10 : BlockStatusNumbering.BEFORE_6_10,
                BlockStatusNumbering.forRunningKernel(), Features.btfEnumerator("BIO_ZONE_WRITE_PLUGGING").toString());
        assertEquals(!since610, Features.btfEnumerator("BIO_ZONE_WRITE_LOCKED").supported());
    }

    private static Map<Integer, String> table(String... types) {
        Map<Integer, String> t = new LinkedHashMap<>();
        for (int i = 0; i < types.length; i++) {
            t.put(i + 1, types[i]);
        }
        return t;
    }
}
