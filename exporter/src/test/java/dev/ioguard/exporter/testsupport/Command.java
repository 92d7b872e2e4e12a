package dev.ioguard.exporter.testsupport;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Runs a system program for a test and reports its exit code and output together.
 *
 * <p>Stateless; safe to call from any thread. Programs are looked up on the PATH and in /usr/sbin and
 * /sbin, which a non-login root shell may leave off the PATH.
 */
public final class Command {

    private static final long TIMEOUT_SECONDS = 120;

    /** What a finished program did; {@code output} is stdout and stderr interleaved. */
    public record Result(List<String> argv, int exitCode, String output) {
        public boolean succeeded() {
            return exitCode == 0;
        }

        /** This result, or an exception naming the command, its exit code and its output. */
        public Result orThrow() {
            if (!succeeded()) {
                throw new IllegalStateException(
                        String.join(" ", argv) + " exited with " + exitCode + ": " + output.strip());
            }
            return this;
        }
    }

    private Command() {}

    /** Runs the program and returns its output; a non-zero exit is an exception carrying the output. */
    public static String run(String... argv) {
        return exec(argv).orThrow().output();
    }

    /** Runs the program and returns what happened, whatever the exit code. */
    public static Result exec(String... argv) {
        List<String> command = new ArrayList<>(Arrays.asList(argv));
        command.set(0, find(argv[0]).map(Path::toString).orElse(argv[0]));
        // Output goes to a file, not a pipe, so a program that hangs cannot block us past the timeout.
        Path output = null;
        try {
            output = Files.createTempFile("ioguard-command-", ".out");
            Process process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(output.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .start();
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(String.join(" ", argv) + " did not finish in " + TIMEOUT_SECONDS + " s");
            }
            return new Result(List.of(argv), process.exitValue(), new String(Files.readAllBytes(output), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + String.join(" ", argv), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + String.join(" ", argv), e);
        } finally {
            if (output != null) {
                try {
                    Files.deleteIfExists(output);
                } catch (IOException e) {
                    // A leftover temp file is harmless; the command's result matters more.
                }
            }
        }
    }

    /** Where a program is, if installed. */
    public static Optional<Path> find(String program) {
        if (program.contains("/")) {
            return Optional.of(Path.of(program)).filter(Files::isExecutable);
        }
        List<String> dirs = new ArrayList<>();
        String path = System.getenv("PATH");
        if (path != null) {
            dirs.addAll(Arrays.asList(path.split(":")));
        }
        dirs.addAll(List.of("/usr/local/sbin", "/usr/sbin", "/sbin"));
        for (String dir : dirs) {
            if (!dir.isEmpty()) {
                Path candidate = Path.of(dir, program);
                if (Files.isExecutable(candidate)) {
                    return Optional.of(candidate);
                }
            }
        }
        return Optional.empty();
    }
}
