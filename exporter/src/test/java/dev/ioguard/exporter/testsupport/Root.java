package dev.ioguard.exporter.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Guards kernel tests that need root (loop devices, mounts, BPF).
 *
 * <p>Stateless; safe to call from any thread.
 */
public final class Root {

    private Root() {}

    /** Skips the calling test unless the JVM runs with effective uid 0; under {@code CI=true} fails instead. */
    public static void require() {
        int euid = effectiveUid();
        KernelAssumptions.require(euid == 0,
                "kernel test needs root (effective uid 0) for loop devices and mounts; running as uid " + euid);
    }

    /** The effective uid, from the second field of the {@code Uid:} line of /proc/self/status. */
    static int effectiveUid() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    return Integer.parseInt(line.substring(4).strip().split("\\s+")[1]);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read /proc/self/status", e);
        }
        throw new IllegalStateException("/proc/self/status has no Uid: line");
    }
}
