package dev.ioguard.exporter.mounts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostPathsTest {
    @Test
    void theNodesMountTableIsItsInitsSeenThroughTheGivenProcfs(@TempDir Path dir) throws IOException {
        Files.createDirectories(dir.resolve("proc/1"));
        Files.writeString(dir.resolve("proc/1/mountinfo"), "");
        HostPaths paths = new HostPaths(dir.resolve("proc"), dir);
        assertEquals(dir.resolve("proc/1/mountinfo"), paths.mountinfo());
        assertNull(paths.problem());
    }

    @Test
    void mountPointsOfTheNodeAreReachedUnderTheGivenRoot() {
        HostPaths paths = new HostPaths(Path.of("/host/proc"), Path.of("/host/root"));
        assertEquals(Path.of("/host/root/var/lib/app"), paths.onHost("/var/lib/app"));
        assertEquals(Path.of("/host/root"), paths.onHost("/"));
        assertEquals(Path.of("/var/lib/app"), HostPaths.DEFAULT.onHost("/var/lib/app"));
    }

    @Test
    void aProcfsWithoutAMountTableIsNamedInOneLine(@TempDir Path dir) {
        String problem = new HostPaths(dir.resolve("nope"), dir).problem();
        assertTrue(problem.startsWith("--path.procfs=") && problem.contains("not readable"), problem);
    }
}
