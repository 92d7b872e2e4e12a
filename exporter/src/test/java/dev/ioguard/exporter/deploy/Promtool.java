package dev.ioguard.exporter.deploy;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;

/**
 * Runs Prometheus's {@code promtool} (Debian package {@code prometheus}).
 *
 * <p>Stateless; safe from any thread. Where promtool is missing a test is skipped with the reason,
 * except under {@code CI=true}, where that is a failure.
 */
final class Promtool {
    private Promtool() {
    }

    /**
     * promtool's path: {@code $PROMTOOL} when set (and then only it: a {@code PROMTOOL} that is not
     * executable counts as missing), else the first {@code promtool} on {@code PATH}.
     */
    static Path require() {
        String explicit = System.getenv("PROMTOOL");
        java.util.Optional<Path> found = explicit != null && !explicit.isBlank()
                ? java.util.Optional.of(Path.of(explicit)).filter(Files::isExecutable)
                : Processes.onPath("promtool");
        return found.orElseGet(() -> {
            String reason = "promtool not found (" + (explicit != null && !explicit.isBlank()
                    ? "PROMTOOL=" + explicit + " is not executable" : "not on PATH")
                    + "; Debian's prometheus package has it: scripts/install-deps.sh --test installs it)";
            if ("true".equals(System.getenv("CI"))) {
                fail(reason + "; under CI=true this is a failure, not a skip");
            }
            Assumptions.abort(reason);
            throw new AssertionError("unreachable");
        });
    }

    /** Runs promtool with {@code args} in {@code workDir}. */
    static Processes.Result run(Path workDir, String... args) {
        List<String> command = new ArrayList<>();
        command.add(require().toString());
        command.addAll(List.of(args));
        return Processes.run(workDir, command);
    }
}
