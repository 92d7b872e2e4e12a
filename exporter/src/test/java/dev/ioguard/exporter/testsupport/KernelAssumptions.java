package dev.ioguard.exporter.testsupport;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * The one rule for kernel tests that cannot run here: skip with the reason, except under {@code CI=true},
 * where a skip would hide a broken test environment and so fails the test instead.
 *
 * <p>Stateless; safe to call from any thread.
 */
public final class KernelAssumptions {

    private KernelAssumptions() {}

    /** Skips the calling test (or fails it under {@code CI=true}) unless the condition holds. */
    public static void require(boolean condition, String reason) {
        require(condition, reason, System.getenv("CI"));
    }

    /** Skips (or fails) unless the program is on the PATH or in /usr/sbin or /sbin. */
    public static void requireProgram(String program) {
        require(Command.find(program).isPresent(), "kernel test needs the program '" + program + "', which is not installed");
    }

    static void require(boolean condition, String reason, String ciVariable) {
        if (condition) {
            return;
        }
        if ("true".equalsIgnoreCase(ciVariable)) {
            Assertions.fail("CI=true, so this skip is a failure: " + reason);
        }
        Assumptions.abort(reason);
    }
}
