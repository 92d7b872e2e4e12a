package dev.ioguard.exporter.deploy;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The repository's root directory, where {@code deploy/} and {@code grafana-dashboards/} live.
 *
 * <p>Stateless; safe from any thread. Surefire sets {@code IOGUARD_PROJECT_ROOT} (parent POM); run
 * from elsewhere, the module directory's parent ({@code ..}) is used.
 */
final class ProjectRoot {
    private ProjectRoot() {
    }

    /** The absolute, normalised root; fails if it has no {@code deploy/} directory. */
    static Path path() {
        String env = System.getenv("IOGUARD_PROJECT_ROOT");
        Path root = (env == null || env.isBlank() ? Path.of("..") : Path.of(env)).toAbsolutePath().normalize();
        if (!Files.isDirectory(root.resolve("deploy"))) {
            throw new IllegalStateException("project root " + root + " has no deploy/ directory"
                    + " (set IOGUARD_PROJECT_ROOT to the repository root)");
        }
        return root;
    }

    static Path resolve(String relative) {
        return path().resolve(relative);
    }
}
