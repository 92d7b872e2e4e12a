package dev.ioguard.exporter.testsupport;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The packaged exporter jar run as a separate process, as a user runs it: stdout lines (events)
 * are queued for the test, stderr is collected. Closing it stops the process (SIGTERM, then kill).
 * Not thread-safe: one test owns it.
 */
public final class ExporterProcess implements AutoCloseable {
    private static final HttpClient HTTP = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(2)).build();

    private final Process process;
    private final BlockingQueue<TimedLine> stdout = new LinkedBlockingQueue<>();
    private final StringBuffer stderr = new StringBuffer();
    private final int port;

    private ExporterProcess(Process process, int port) {
        this.process = process;
        this.port = port;
        pump(process.getInputStream(), line -> stdout.add(new TimedLine(line, System.nanoTime())), "stdout");
        pump(process.getErrorStream(), line -> stderr.append(line).append('\n'), "stderr");
    }

    /** The jar failsafe built: system property ioguard.jar. */
    public static Path jar() {
        String jar = System.getProperty("ioguard.jar");
        if (jar == null || !Files.isRegularFile(Path.of(jar))) {
            throw new IllegalStateException("ioguard.jar not built (system property ioguard.jar="
                    + jar + "); run through `mvn verify`");
        }
        return Path.of(jar);
    }

    /** The java command of the running JDK, with native access enabled, as bin/ioguard does. */
    public static List<String> javaCommand(Path jar) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("--enable-native-access=ALL-UNNAMED");
        cmd.add("-jar");
        cmd.add(jar.toString());
        return cmd;
    }

    /** Starts the exporter on a free loopback port. */
    public static ExporterProcess start(String... extraArgs) throws IOException {
        return start(java.util.Map.of(), extraArgs);
    }

    /** Starts the exporter on a free loopback port, with these variables added to its environment. */
    public static ExporterProcess start(java.util.Map<String, String> env, String... extraArgs)
            throws IOException {
        return startUnder(List.of(), env, extraArgs);
    }

    /**
     * Starts the exporter's command appended to {@code wrapper} (e.g. a shell that prepares a
     * private mount namespace, then execs its arguments), on a free loopback port.
     */
    public static ExporterProcess startUnder(List<String> wrapper, java.util.Map<String, String> env,
            String... extraArgs) throws IOException {
        int port = freePort();
        List<String> cmd = new ArrayList<>(wrapper);
        cmd.addAll(javaCommand(jar()));
        cmd.add("--web.listen-address=127.0.0.1:" + port);
        cmd.addAll(List.of(extraArgs));
        ProcessBuilder builder = new ProcessBuilder(cmd);
        builder.environment().putAll(env);
        return new ExporterProcess(builder.start(), port);
    }

    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** Waits until /healthz answers (any status), or fails with the process's stderr. */
    public ExporterProcess awaitReady(Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("exporter exited with " + process.exitValue() + ": " + stderr);
            }
            try {
                get("/healthz");
                return this;
            } catch (IOException e) {
                Thread.sleep(50);
            }
        }
        throw new AssertionError("exporter not ready within " + timeout + ": " + stderr);
    }

    public HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A stdout line and when this process read it ({@link System#nanoTime()}). */
    public record TimedLine(String text, long receivedNanos) {}

    /** The next stdout line within the timeout, or null. */
    public String nextStdoutLine(Duration timeout) throws InterruptedException {
        TimedLine line = stdout.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        return line == null ? null : line.text();
    }

    /**
     * The first stdout line the predicate accepts within the timeout, or null; lines it rejects
     * are dropped (events of other tests' devices on the same node, for instance).
     */
    public TimedLine awaitLine(java.util.function.Predicate<String> wanted, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return null;
            }
            TimedLine line = stdout.poll(left, TimeUnit.NANOSECONDS);
            if (line != null && wanted.test(line.text())) {
                return line;
            }
        }
    }

    public String stderr() {
        return stderr.toString();
    }

    public int port() {
        return port;
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static void pump(java.io.InputStream in, java.util.function.Consumer<String> sink,
            String name) {
        Thread.ofPlatform().daemon().name("exporter-" + name).start(() -> {
            try (BufferedReader r = new BufferedReader(
                    new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    sink.accept(line);
                }
            } catch (IOException e) {
                // the process ended
            }
        });
    }
}
