package dev.ioguard.exporter.testsupport;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the project's sources are, for tests that read bpf/ or deploy/ files. */
public final class ProjectFiles {
    private ProjectFiles() {}

    /** The repository root: IOGUARD_PROJECT_ROOT (set by surefire) or the parent of exporter/. */
    public static Path root() {
        String env = System.getenv("IOGUARD_PROJECT_ROOT");
        Path candidate = env != null ? Path.of(env) : Path.of("").toAbsolutePath().getParent();
        if (!Files.isDirectory(candidate.resolve("bpf"))) {
            throw new IllegalStateException("cannot find the project root (tried " + candidate + ")");
        }
        return candidate;
    }
}
