package dev.ioguard.exporter.bpf;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** tracefs as the classic tracepoint hooks see it, without touching the system's mounts. */
class TracefsTest {
    @Test
    void aMountedTracefsIsUsedAsItIsAndLeftAlone() {
        Tracefs tracefs = Tracefs.ensure(() -> true, Path.of("/nonexistent"));
        assertTrue(tracefs.available());
        assertFalse(tracefs.mountedHere());
        tracefs.close();
        tracefs.close();
    }

    @Test
    void withoutAMountPointTheReasonSaysSo() {
        Tracefs tracefs = Tracefs.ensure(() -> false, Path.of("/nonexistent/tracing"));
        assertFalse(tracefs.available());
        assertTrue(tracefs.reason().contains("/nonexistent/tracing does not exist"), tracefs.reason());
        assertFalse(tracefs.hasTracepoint("syscalls", "sys_enter_mount"));
    }
}
