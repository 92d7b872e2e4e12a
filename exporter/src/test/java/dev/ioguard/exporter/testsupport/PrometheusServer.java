package dev.ioguard.exporter.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Debian's {@code prometheus} run by a test on loopback: its own temporary directory for the
 * configuration, the TSDB and its log; native histograms on; one scrape job. Closing it stops the
 * process (SIGTERM, then kill) and deletes the directory.
 *
 * <p>Not thread-safe: one test owns it.
 */
public final class PrometheusServer implements AutoCloseable {
    private static final HttpClient HTTP = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(2)).build();
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * What to run.
     *
     * @param scrapeInterval     global scrape interval
     * @param evaluationInterval global rule evaluation interval
     * @param ruleFiles          rule files, used in place (rule_files: takes absolute paths)
     * @param job                the scrape job's name
     * @param target             {@code host:port} of the one target
     * @param node               set as the target's {@code node} and {@code instance} labels, as the
     *                           scrape configs in deploy/ set both to the node's name
     */
    public record Config(Duration scrapeInterval, Duration evaluationInterval, List<Path> ruleFiles,
            String job, String target, String node) {

        /** The prometheus.yml text. */
        public String yaml() {
            StringBuilder y = new StringBuilder();
            y.append("global:\n")
                    .append("  scrape_interval: ").append(scrapeInterval.toMillis()).append("ms\n")
                    .append("  scrape_timeout: ").append(scrapeInterval.toMillis()).append("ms\n")
                    .append("  evaluation_interval: ").append(evaluationInterval.toMillis()).append("ms\n");
            y.append("rule_files:\n");
            for (Path rules : ruleFiles) {
                y.append("  - ").append(quote(rules.toAbsolutePath().toString())).append('\n');
            }
            y.append("scrape_configs:\n")
                    .append("  - job_name: ").append(quote(job)).append('\n')
                    .append("    static_configs:\n")
                    .append("      - targets: [").append(quote(target)).append("]\n")
                    .append("        labels:\n")
                    .append("          node: ").append(quote(node)).append('\n')
                    .append("    relabel_configs:\n")
                    .append("      - source_labels: [node]\n")
                    .append("        target_label: instance\n");
            return y.toString();
        }

        private static String quote(String s) {
            return "'" + s.replace("'", "''") + "'";
        }
    }

    /** One entry of /api/v1/alerts. */
    public record Alert(Map<String, String> labels, Map<String, String> annotations, String state,
            String activeAt) {
        public String name() {
            return labels.getOrDefault("alertname", "");
        }

        public boolean firing() {
            return "firing".equals(state);
        }
    }

    private final Process process;
    private final Path directory;
    private final Path log;
    private final int port;
    private boolean closed;

    private PrometheusServer(Process process, Path directory, Path log, int port) {
        this.process = process;
        this.directory = directory;
        this.log = log;
        this.port = port;
    }

    /**
     * Starts prometheus on a free loopback port and waits until it is ready (/-/ready). Skips the
     * test (fails under CI=true) when prometheus is not installed. On any failure nothing is left
     * running or on disk.
     */
    public static PrometheusServer start(Config config, Duration readyWithin) throws Exception {
        KernelAssumptions.requireProgram("prometheus");
        Path binary = Command.find("prometheus").orElseThrow();
        Path directory = Files.createTempDirectory("ioguard-prometheus-");
        Path file = directory.resolve("prometheus.yml");
        Files.writeString(file, config.yaml());
        Path log = directory.resolve("prometheus.log");
        int port = ExporterProcess.freePort();
        List<String> cmd = List.of(binary.toString(),
                "--config.file=" + file,
                "--storage.tsdb.path=" + directory.resolve("data"),
                "--web.listen-address=127.0.0.1:" + port,
                "--enable-feature=native-histograms",
                "--log.level=info");
        // Output to a file, not a pipe: nobody has to drain it, and it survives for the message.
        Process process = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .start();
        PrometheusServer server = new PrometheusServer(process, directory, log, port);
        try {
            server.awaitReady(readyWithin);
            return server;
        } catch (Exception | AssertionError e) {
            server.close();
            throw e;
        }
    }

    private void awaitReady(Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("prometheus exited with " + process.exitValue() + ":\n" + log());
            }
            try {
                if (HTTP.send(request("/-/ready").GET().build(), HttpResponse.BodyHandlers.discarding())
                        .statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(50);
        }
        throw new AssertionError("prometheus not ready within " + timeout + ":\n" + log());
    }

    /** An instant query at {@code time}; the result array (a vector's series). */
    public JsonNode query(String expr, Instant time) throws IOException, InterruptedException {
        return api("/api/v1/query", Map.of("query", expr, "time", seconds(time)));
    }

    /** A range query; the result array (a matrix's series). */
    public JsonNode queryRange(String expr, Instant start, Instant end, Duration step)
            throws IOException, InterruptedException {
        return api("/api/v1/query_range", Map.of("query", expr, "start", seconds(start),
                "end", seconds(end), "step", String.valueOf(step.toMillis() / 1000.0)));
    }

    /** The label sets of the series selected by {@code match} (/api/v1/series), over all time. */
    public JsonNode series(String match) throws IOException, InterruptedException {
        return api("/api/v1/series", Map.of("match[]", match));
    }

    /** The active alerts (pending and firing), from /api/v1/alerts. */
    public List<Alert> alerts() throws IOException, InterruptedException {
        List<Alert> out = new ArrayList<>();
        for (JsonNode a : api("/api/v1/alerts", Map.of()).path("alerts")) {
            out.add(new Alert(strings(a.path("labels")), strings(a.path("annotations")),
                    a.path("state").asText(), a.path("activeAt").asText()));
        }
        return out;
    }

    /**
     * Waits until a scrape of {@code job} that began after {@code instant} was stored (the
     * timestamp of {@code up} is the scrape's start), so that what the target showed at that
     * instant is in the TSDB.
     */
    public void awaitScrapeAfter(String job, Instant instant, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        String expr = "timestamp(up{job=\"" + job + "\"} == 1)";
        while (true) {
            JsonNode result = query(expr, Instant.now());
            if (!result.isEmpty()) {
                double ts = Double.parseDouble(result.get(0).path("value").get(1).asText());
                if (ts * 1000 > instant.toEpochMilli()) {
                    return;
                }
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no successful scrape of job " + job + " after " + instant
                        + " within " + timeout + " (" + expr + " = " + result + "):\n" + log());
            }
            Thread.sleep(50);
        }
    }

    /** The URL of the HTTP API, e.g. {@code http://127.0.0.1:PORT}. */
    public String url() {
        return "http://127.0.0.1:" + port;
    }

    /** The last 60 lines of prometheus's own log, for assertion messages. */
    public String log() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e + ")";
        }
    }

    /** Stops prometheus and deletes its directory; idempotent. */
    @Override
    public void close() throws InterruptedException {
        if (closed) {
            return;
        }
        closed = true;
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        if (process.isAlive()) {
            throw new IllegalStateException("prometheus (pid " + process.pid() + ") did not stop; "
                    + directory + " is left in place");
        }
        DirectoryTrees.delete(directory);
    }

    private JsonNode api(String path, Map<String, String> form) throws IOException, InterruptedException {
        String body = form.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        // Queries go as forms (long expressions); endpoints without parameters (alerts) are GET only.
        HttpRequest.Builder request = form.isEmpty() ? request(path).GET() : request(path)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        JsonNode json;
        try {
            json = JSON.readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException("prometheus answered " + path + " " + form + " with "
                    + response.statusCode() + ": " + response.body(), e);
        }
        if (!"success".equals(json.path("status").asText())) {
            throw new IllegalStateException("prometheus " + path + " " + form + ": "
                    + json.path("errorType").asText() + ": " + json.path("error").asText());
        }
        JsonNode data = json.path("data");
        return data.has("result") ? data.get("result") : data;
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(url() + path)).timeout(Duration.ofSeconds(10));
    }

    private static String seconds(Instant t) {
        return String.format(java.util.Locale.ROOT, "%.3f", t.toEpochMilli() / 1000.0);
    }

    private static Map<String, String> strings(JsonNode object) {
        Map<String, String> out = new LinkedHashMap<>();
        object.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
        return out;
    }
}
