package dev.ioguard.exporter.image;

import dev.ioguard.exporter.testsupport.Command;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * podman as the image test drives it, with what this machine needs and nothing that changes the
 * container's privileges: runc as the runtime (crun fails here: "cgroups in hybrid mode not
 * supported"), raised open-files and process limits (root here lacks CAP_SYS_RESOURCE, and podman's
 * default limits cannot be set without it), and never a pull. Every container it starts carries
 * {@link #LABEL}, so that leftovers of an interrupted run, and only those, can be removed.
 *
 * <p>Stateless apart from a counter for container names; safe from any thread.
 */
final class Podman {
    static final String LABEL = "dev.ioguard.test=image-it";
    private static final List<String> RUN_ENVIRONMENT = List.of("--pull=never", "--label=" + LABEL,
            "--ulimit=nofile=20000:20000", "--ulimit=nproc=32768:32768");
    private static final Pattern LOADED = Pattern.compile("Loaded image(?:\\(s\\))?: (\\S+)");
    private static final AtomicInteger NAMES = new AtomicInteger();

    private Podman() {
    }

    static List<String> command(String... args) {
        List<String> argv = new ArrayList<>(List.of("podman", "--runtime", "runc"));
        argv.addAll(List.of(args));
        return argv;
    }

    static String run(String... args) {
        return Command.run(command(args).toArray(String[]::new));
    }

    /** Loads an OCI archive and returns the image's name as podman reports it. */
    static String load(Path archive) {
        String output = run("load", "--input", archive.toString());
        Matcher m = LOADED.matcher(output);
        if (!m.find()) {
            throw new IllegalStateException("podman load named no image: " + output);
        }
        return m.group(1);
    }

    static void removeImage(String image) {
        run("rmi", image);
    }

    /** Removes containers an earlier, interrupted run of this test left (they carry {@link #LABEL}). */
    static void removeLeftovers() {
        String ids = run("ps", "--all", "--quiet", "--filter", "label=" + LABEL).strip();
        for (String id : ids.isEmpty() ? List.<String>of() : List.of(ids.split("\\s+"))) {
            run("rm", "--force", id);
        }
    }

    /** Starts a container of the image, attached: its stdout and stderr come to the test. */
    static Container start(String image, DaemonSetPodman.Translation t) throws IOException {
        String name = "ioguard-it-" + ProcessHandle.current().pid() + "-" + NAMES.incrementAndGet();
        List<String> argv = command("run", "--name=" + name);
        argv.addAll(RUN_ENVIRONMENT);
        argv.addAll(t.flags());
        argv.add(image);
        argv.addAll(t.args());
        Process process = new ProcessBuilder(argv)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        return new Container(name, process, t.ports(), t.stopTimeout());
    }

    /**
     * A running (or exited) container. Not thread-safe: one test owns it. Closing it stops it (SIGTERM,
     * the grace period, then SIGKILL) and removes it.
     */
    static final class Container implements AutoCloseable {
        private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

        private final String name;
        private final Process process;
        private final Map<Integer, Integer> ports;
        private final Duration stopTimeout;
        private final BlockingQueue<String> stdout = new LinkedBlockingQueue<>();
        private final StringBuffer stderr = new StringBuffer();
        private boolean closed;

        private Container(String name, Process process, Map<Integer, Integer> ports, Duration stopTimeout) {
            this.name = name;
            this.process = process;
            this.ports = ports;
            this.stopTimeout = stopTimeout;
            pump(process.getInputStream(), stdout::add);
            pump(process.getErrorStream(), line -> stderr.append(line).append('\n'));
        }

        String name() {
            return name;
        }

        /**
         * Waits until the container's port answers HTTP on {@code path} (any status) or the container
         * exits, for at most the timeout; true when it answers.
         */
        boolean awaitServing(int containerPort, String path, Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() - deadline < 0) {
                if (!process.isAlive()) {
                    return false;
                }
                try {
                    get(containerPort, path);
                    return true;
                } catch (IOException e) {
                    Thread.sleep(100);
                }
            }
            return false;
        }

        /** An HTTP GET from the host, through the port the container port is published on. */
        HttpResponse<String> get(int containerPort, String path) throws IOException, InterruptedException {
            Integer port = ports.get(containerPort);
            if (port == null) {
                throw new IllegalArgumentException("container port " + containerPort + " is not published");
            }
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        }

        /** The next line of the container's stdout within the timeout, or null. */
        String nextStdoutLine(Duration timeout) throws InterruptedException {
            return stdout.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        }

        String stderr() {
            return stderr.toString();
        }

        /** The container's exit code, once it has exited within the timeout; null while it runs. */
        Integer awaitExit(Duration timeout) throws InterruptedException {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) ? process.exitValue() : null;
        }

        /** The host's pid of the container's first process (the JVM). */
        long pid() {
            return Long.parseLong(run("inspect", "--format", "{{.State.Pid}}", name).strip());
        }

        @Override
        public void close() throws InterruptedException {
            if (closed) {
                return;
            }
            closed = true;
            try {
                if (process.isAlive()) {
                    Command.exec(command("stop", "--time", Long.toString(stopTimeout.toSeconds()), name)
                            .toArray(String[]::new));
                }
                if (!process.waitFor(stopTimeout.toSeconds() + 10, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } finally {
                Command.exec(command("rm", "--force", "--ignore", name).toArray(String[]::new));
            }
        }

        private static void pump(InputStream in, Consumer<String> sink) {
            Thread.ofPlatform().daemon().name("container-output").start(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = r.readLine()) != null) {
                        sink.accept(line);
                    }
                } catch (IOException e) {
                    // podman exited
                }
            });
        }
    }
}
