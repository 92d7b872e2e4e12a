package dev.ioguard.exporter.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The loop-device helper's failures before losetup runs: no root needed. */
class LoopDeviceTest {

    @Test
    void aCreationThatFailsLeavesNoFileBehind(@TempDir Path parent) throws IOException {
        LoopDevice.Builder tooSmall = LoopDevice.builder().in(parent).sizeMiB(1).partitions(1);

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, tooSmall::create);

        assertEquals("1 MiB is too small for 1 partitions", e.getMessage());
        try (var left = Files.list(parent)) {
            assertEquals(List.of(), left.toList());
        }
    }

    @Test
    void impossibleOptionsAreRefusedAtOnce() {
        assertThrows(IllegalArgumentException.class, () -> LoopDevice.builder().partitions(5));
        assertThrows(IllegalArgumentException.class, () -> LoopDevice.builder().partitions(0));
        assertThrows(IllegalArgumentException.class, () -> LoopDevice.builder().sizeMiB(0));
    }
}
