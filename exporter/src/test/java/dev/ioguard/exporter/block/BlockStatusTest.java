package dev.ioguard.exporter.block;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Block statuses named from the errno the classic tracepoints carry (blk_status_to_errno). */
class BlockStatusTest {
    /** blk_errors[] of block/blk-core.c (6.10+): errno -> status name, one status per errno. */
    private static final Map<Integer, String> KERNEL_TABLE = Map.ofEntries(
            Map.entry(95, "not_supported"), Map.entry(110, "timeout"), Map.entry(28, "no_space"),
            Map.entry(67, "transport"), Map.entry(121, "target"),
            Map.entry(52, "reservation_conflict"), Map.entry(61, "medium"),
            Map.entry(84, "protection"), Map.entry(12, "resource"), Map.entry(5, "io"),
            Map.entry(78, "dm_requeue"), Map.entry(11, "again"), Map.entry(16, "device_resource"),
            Map.entry(109, "zone_open_resource"), Map.entry(75, "zone_active_resource"),
            Map.entry(19, "offline"), Map.entry(62, "duration_limit"), Map.entry(22, "invalid"));

    @Test
    void eachErrnoNamesItsStatus() {
        KERNEL_TABLE.forEach((errno, type) ->
                assertEquals(type, BlockStatus.fromErrno(errno).errorType(), "errno " + errno));
        // Every status but ZONE_RESOURCE, which never ends a request (and would be EIO).
        assertEquals(BlockStatus.values().length - 1, KERNEL_TABLE.size());
        assertTrue(BlockStatus.fromErrno(95).routine());
    }

    @Test
    void anErrnoNoStatusMapsToIsIoAsTheKernelMakesUnknownStatusesEio() {
        assertEquals("io", BlockStatus.fromErrno(4).errorType());
    }
}
