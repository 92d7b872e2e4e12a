package dev.ioguard.exporter.testsupport;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

class KernelAssumptionsTest {

    @Test
    void aMetRequirementLetsTheTestRun() {
        assertDoesNotThrow(() -> KernelAssumptions.require(true, "unused", "true"));
    }

    @Test
    void anUnmetRequirementSkipsWithTheReason() {
        TestAbortedException skip = assertThrows(TestAbortedException.class,
                () -> KernelAssumptions.require(false, "needs root", null));
        assertTrue(skip.getMessage().contains("needs root"), skip.getMessage());
        assertThrows(TestAbortedException.class, () -> KernelAssumptions.require(false, "needs root", "false"));
    }

    @Test
    void underCiAnUnmetRequirementFails() {
        AssertionFailedError failure = assertThrows(AssertionFailedError.class,
                () -> KernelAssumptions.require(false, "needs root", "true"));
        assertTrue(failure.getMessage().contains("CI=true") && failure.getMessage().contains("needs root"), failure.getMessage());
        assertThrows(AssertionFailedError.class, () -> KernelAssumptions.require(false, "needs root", "TRUE"));
    }

    @Test
    void theEffectiveUidIsTheOwnerOfFilesThisJvmCreates(@TempDir Path dir) throws IOException {
        Path file = Files.createFile(dir.resolve("mine"));

        assertEquals(Files.getAttribute(file, "unix:uid"), Root.effectiveUid());
    }
}
