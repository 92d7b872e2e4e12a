package dev.ioguard.exporter.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ioguard.exporter.deploy.DashboardQueries;
import dev.ioguard.exporter.testsupport.Command;
import dev.ioguard.exporter.testsupport.ExporterProcess;
import dev.ioguard.exporter.testsupport.Fio;
import dev.ioguard.exporter.testsupport.KernelAssumptions;
import dev.ioguard.exporter.testsupport.LoopDevice;
import dev.ioguard.exporter.testsupport.Mount;
import dev.ioguard.exporter.testsupport.ProjectFiles;
import dev.ioguard.exporter.testsupport.PrometheusServer;
import dev.ioguard.exporter.testsupport.PrometheusServer.Alert;
import dev.ioguard.exporter.testsupport.PrometheusText;
import dev.ioguard.exporter.testsupport.Root;
import dev.ioguard.exporter.testsupport.XfsBackedLoop;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.DoublePredicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;

/**
 * The incident end to end against a real Prometheus: the packaged exporter as a process, Debian's
 * {@code prometheus} on loopback scraping it every second (native histograms on) with the real
 * rules file, real IO on loop devices, then the failures of the incident made for real: an ext4
 * error under {@code errors=remount-ro} ({@code trigger_fs_error}), the xfs under a direct-IO loop
 * device shut down (its requests fail with EIO), and an administrator's read-only remount.
 *
 * <p>The incident runs once ({@link #incident()}), following each failure from the kernel to the
 * exporter's {@code /metrics} to a firing alert; the tests then judge what was seen, and run every
 * query of every dashboard panel against that Prometheus, one dynamic test per query.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PrometheusEndToEndIT {
    private static final Duration SCRAPE = Duration.ofSeconds(1);
    private static final Duration EVALUATION = Duration.ofSeconds(1);
    /** The bound: an alert fires within two scrape plus evaluation intervals of the exporter showing the state. */
    private static final Duration ALERT_WITHIN = SCRAPE.plus(EVALUATION).multipliedBy(2);
    /** How long the exporter may take to show a failure the kernel reported (events take well under a second). */
    private static final Duration EXPOSED_WITHIN = Duration.ofSeconds(5);
    /** Grafana's $__rate_interval for this scrape interval: four scrapes. */
    private static final Duration RATE_INTERVAL = SCRAPE.multipliedBy(4);
    private static final Duration STEP = SCRAPE;
    private static final int IO_SECONDS = 3;
    private static final String JOB = "ioguard";
    private static final String NODE = "ioguard-e2e";
    /**
     * Queries about the failures this test makes must show them (a value above zero), not just a
     * series: a panel of errors that shows 0 after an error is as wrong as an empty one.
     */
    private static final Pattern INCIDENT_SIGNALS = Pattern.compile(
            "\\b(ioguard_filesystem_(readonly|errors_total|shutdowns_total|remounts_total)"
                    + "|ioguard_disk_request_errors_total|ALERTS)\\b");
    private static final String READ_ONLY = "read-only";
    private static final String EXT4_ERROR = "ext4 error";
    private static final String REQUEST_ERRORS = "request errors";
    private static final String XFS_SHUTDOWN = "xfs shutdown";
    private static final String REMOUNT = "remount";
    private static final Pattern METRIC_NAMES = Pattern.compile("\\b(ioguard_[a-z_]+|system_disk_[a-z_]+)\\b");

    private final Deque<AutoCloseable> resources = new ArrayDeque<>();
    private final Map<String, Watch> watches = new LinkedHashMap<>();
    private ExporterProcess exporter;
    private PrometheusServer prometheus;
    private LoopDevice ext4;
    private Mount ext4Mount;
    private XfsBackedLoop volume;
    private LoopDevice remounted;
    private Instant start;
    private Instant end;

    /**
     * One failure followed from the kernel to an alert: when the exporter first showed it on
     * /metrics, and when Prometheus first listed the alert as firing.
     */
    private static final class Watch {
        final String what;
        final String metric;
        final Map<String, String> labels;
        final DoublePredicate shown;
        final String alert;
        final Map<String, String> alertLabels;
        Instant since;
        Instant exposedAt;
        Instant firingAt;
        Alert firing;

        /** {@code shown} tells from the sample's value (NaN when absent) whether the failure shows. */
        Watch(String what, String metric, Map<String, String> labels, DoublePredicate shown,
                String alert, Map<String, String> alertLabels) {
            this.what = what;
            this.metric = metric;
            this.labels = labels;
            this.shown = shown;
            this.alert = alert;
            this.alertLabels = alertLabels;
        }

        boolean done(Instant now) {
            if (firingAt != null || (exposedAt != null && alert == null)) {
                return true;
            }
            return exposedAt == null ? now.isAfter(since.plus(EXPOSED_WITHIN))
                    : now.isAfter(exposedAt.plus(ALERT_WITHIN));
        }

        String series() {
            return metric + labels;
        }
    }

    @BeforeAll
    void incident() throws Exception {
        Root.require();
        KernelAssumptions.require(Files.isReadable(Path.of("/sys/kernel/btf/vmlinux")),
                "kernel has no BTF (/sys/kernel/btf/vmlinux)");
        for (String program : List.of("prometheus", "fio", "mkfs.ext4", "mkfs.xfs", "xfs_io")) {
            KernelAssumptions.requireProgram(program);
        }
        // The devices first: the exporter and Prometheus see their mounts writable before anything fails.
        ext4 = own(LoopDevice.create(64, false));
        ext4.mkfs("ext4", "-E", "lazy_itable_init=0,lazy_journal_init=0");
        ext4Mount = own(ext4.mount("errors=remount-ro"));
        volume = own(XfsBackedLoop.create(64));
        remounted = own(LoopDevice.create(16, false));
        remounted.mkfs("ext4");
        Mount remountedMount = own(remounted.mount(""));

        exporter = own(ExporterProcess.start());
        exporter.awaitReady(Duration.ofSeconds(30));
        start = Instant.now();
        prometheus = own(PrometheusServer.start(new PrometheusServer.Config(SCRAPE, EVALUATION,
                List.of(ProjectFiles.root().resolve("deploy/alerts/ioguard-rules.yml")), JOB,
                "127.0.0.1:" + exporter.port(), NODE), Duration.ofSeconds(20)));
        prometheus.awaitScrapeAfter(JOB, start, Duration.ofSeconds(10));

        // Real IO: random reads and writes through ext4, and on the volume (and so on the xfs below it).
        runTogether(Fio.command(ext4Mount.mountPoint().resolve("fio.dat").toString(), "randrw", "4k", 8,
                        IO_SECONDS, "--size=16m"),
                Fio.command(volume.upperDevice().toString(), "randrw", "4k", 8, IO_SECONDS));
        prometheus.awaitScrapeAfter(JOB, Instant.now(), Duration.ofSeconds(5));

        // The incident's failures, each watched from the kernel to its alert. They follow one another
        // within milliseconds, and the one with the tightest bound (read-only) comes last, so that
        // watching starts right after it and its timing is not flattered by a late first look.
        volume.shutDownLower();
        Command.Result write = Command.exec("dd", "if=/dev/zero", "of=" + volume.upperDevice(), "bs=4k",
                "count=4", "oflag=direct", "status=none");
        assertFalse(write.succeeded(), "writes to " + volume + " must fail once its xfs is shut down: " + write);
        watch(REQUEST_ERRORS, new Watch("EIO on the volume whose xfs was shut down",
                "ioguard_disk_request_errors_total",
                Map.of("system_device", volume.upperName(), "disk_io_direction", "write", "error_type", "io"),
                v -> v >= 1,
                "IoguardDiskRequestErrors", Map.of("system_device", volume.upperName(), "error_type", "io")));
        watch(XFS_SHUTDOWN, new Watch("xfs shutdown counted", "ioguard_filesystem_shutdowns_total",
                Map.of("system_device", volume.lower().name()), v -> v >= 1,
                "IoguardFilesystemErrors", Map.of("system_device", volume.lower().name(), "failure", "shutdown")));

        Command.run("mount", "-o", "remount,ro", remountedMount.mountPoint().toString());
        watch(REMOUNT, new Watch("administrator's read-only remount counted", "ioguard_filesystem_remounts_total",
                Map.of("system_device", remounted.name()), v -> v >= 1, null, Map.of()));

        Files.writeString(Path.of("/sys/fs/ext4", ext4.name(), "trigger_fs_error"), "1");
        watch(READ_ONLY, new Watch("ext4 read-only after trigger_fs_error (errors=remount-ro)",
                "ioguard_filesystem_readonly", Map.of("system_device", ext4.name()), v -> v == 1,
                "IoguardFilesystemReadOnly", Map.of("system_device", ext4.name())));
        watch(EXT4_ERROR, new Watch("ext4 error counted", "ioguard_filesystem_errors_total",
                Map.of("system_device", ext4.name(), "system_filesystem_type", "ext4"), v -> v >= 1,
                "IoguardFilesystemErrors", Map.of("system_device", ext4.name(), "failure", "error")));

        follow();
        // What the exporter showed last is in the TSDB before the queries run.
        prometheus.awaitScrapeAfter(JOB, Instant.now(), Duration.ofSeconds(5));
        end = Instant.now();
        System.out.println("PrometheusEndToEndIT: incident from " + start + " to " + end + " ("
                + Duration.between(start, end).toMillis() + " ms)");
    }

    @AfterAll
    void cleanUp() throws Exception {
        Exception failure = null;
        while (!resources.isEmpty()) {
            try {
                resources.pop().close();
            } catch (Exception e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    @Test
    void theReadOnlyAlertFiresWithinTwoScrapeAndEvaluationIntervals() {
        Alert alert = assertFiredInTime(watches.get(READ_ONLY));
        assertEquals("critical", alert.labels().get("severity"), alert.toString());
        String mountPoint = ext4Mount.mountPoint().toString();
        assertEquals(mountPoint, alert.labels().get("system_filesystem_mountpoint"), alert.toString());
        assertTrue(alert.annotations().getOrDefault("summary", "").contains(mountPoint + " on " + NODE),
                "the summary names the mount and the node: " + alert);
    }

    @Test
    void theFilesystemErrorsAlertFiresAfterTheExt4Error() {
        Alert alert = assertFiredInTime(watches.get(EXT4_ERROR));
        assertTrue(alert.annotations().getOrDefault("summary", "").contains(ext4.name() + " on " + NODE),
                alert.toString());
    }

    @Test
    void theDiskRequestErrorsAlertFiresWhenTheVolumeBelowFails() {
        Alert alert = assertFiredInTime(watches.get(REQUEST_ERRORS));
        assertTrue(alert.annotations().getOrDefault("summary", "").contains(
                "IO errors (io) on " + volume.upperName() + " on " + NODE), alert.toString());
    }

    @Test
    void theFilesystemErrorsAlertFiresAfterTheXfsShutdown() {
        assertFiredInTime(watches.get(XFS_SHUTDOWN));
    }

    @Test
    void theAdministratorsRemountIsCounted() {
        Watch w = watches.get(REMOUNT);
        assertNotNull(w, "the incident did not run");
        assertNotNull(w.exposedAt, notExposed(w));
    }

    /** Grafana's variable queries find this node, and this node's devices for it. */
    @Test
    void theDashboardVariablesListThisNodeAndItsDevices() throws Exception {
        Pattern labelValues = Pattern.compile("^label_values\\((.+),\\s*([a-zA-Z_]\\w*)\\)$");
        List<DashboardQueries.Query> variables = DashboardQueries.variableQueries(dashboards(), values());
        assertFalse(variables.isEmpty());
        for (DashboardQueries.Query v : variables) {
            Matcher m = labelValues.matcher(v.expr());
            assertTrue(m.matches(), v.toString());
            Set<String> found = new TreeSet<>();
            for (JsonNode series : prometheus.series(m.group(1))) {
                found.add(series.path(m.group(2)).asText());
            }
            Set<String> expected = switch (v.refId()) {
                case "node" -> Set.of(NODE);
                case "device" -> Set.of(ext4.name(), volume.upperName(), volume.lower().name());
                default -> Set.of();
            };
            assertFalse(found.isEmpty(), v + ": no values");
            assertTrue(found.containsAll(expected), v + ": " + found + " lacks some of " + expected);
        }
    }

    /**
     * Every query of every dashboard panel (and annotation) returns data from this Prometheus, for
     * this node and these devices: range queries over the incident, instant queries at its end.
     */
    @TestFactory
    Stream<DynamicTest> everyDashboardQueryReturnsData() {
        assertNotNull(prometheus, "the incident did not run");
        Map<String, Boolean> instant = instantTargets();
        return DashboardQueries.all(dashboards(), values()).stream().map(q -> DynamicTest.dynamicTest(
                q.dashboard() + " / " + q.panel() + " / " + q.refId(), () -> {
                    boolean isInstant = instant.getOrDefault(q.dashboard() + "\0" + q.panel() + "\0" + q.refId(), false);
                    boolean mustShowFailure = INCIDENT_SIGNALS.matcher(q.expr()).find();
                    JsonNode result = isInstant ? prometheus.query(q.expr(), end)
                            : prometheus.queryRange(q.expr(), start, end, STEP);
                    // A loaded machine delays scrapes and rule evaluations: ask again, over a range
                    // reaching to now, a few times before calling the query wrong.
                    for (int retry = 0; retry < 5 && !hasData(result, mustShowFailure); retry++) {
                        Thread.sleep(1000);
                        Instant now = Instant.now();
                        result = isInstant ? prometheus.query(q.expr(), now)
                                : prometheus.queryRange(q.expr(), start, now, STEP);
                    }
                    if (!hasData(result, mustShowFailure)) {
                        fail(q.dashboard() + " / " + q.panel() + " / " + q.refId() + ": "
                                + (mustShowFailure ? "shows no value above 0 although the failure happened"
                                : "returns no data") + " (" + (isInstant ? "instant at end" : "range " + start
                                + " to " + end) + "): " + q.expr() + "\nresult: " + abbreviate(result.toString())
                                + "\n" + absentMetrics(q.expr()));
                    }
                }));
    }

    // ---- the incident ----

    /** Starts following a failure that just happened, under a key the tests look it up by. */
    private void watch(String key, Watch w) {
        w.since = Instant.now();
        watches.put(key, w);
    }

    /** Polls the exporter and Prometheus's alerts together until every watch is decided. */
    private void follow() throws Exception {
        while (true) {
            Instant now = Instant.now();
            if (watches.values().stream().allMatch(w -> w.done(now))) {
                return;
            }
            String metrics = exporter.get("/metrics").body();
            Instant scraped = Instant.now();
            for (Watch w : watches.values()) {
                double value = PrometheusText.value(metrics, w.metric, w.labels).orElse(Double.NaN);
                if (w.exposedAt == null && w.shown.test(value)) {
                    w.exposedAt = scraped;
                }
            }
            List<Alert> alerts = prometheus.alerts();
            Instant asked = Instant.now();
            for (Watch w : watches.values()) {
                if (w.alert == null || w.firingAt != null) {
                    continue;
                }
                for (Alert a : alerts) {
                    if (a.firing() && a.name().equals(w.alert)
                            && a.labels().entrySet().containsAll(w.alertLabels.entrySet())) {
                        w.firingAt = asked;
                        w.firing = a;
                    }
                }
            }
            Thread.sleep(50);
        }
    }

    private Alert assertFiredInTime(Watch w) {
        assertNotNull(w, "the incident did not run");
        assertNotNull(w.exposedAt, notExposed(w));
        Duration exposed = Duration.between(w.since, w.exposedAt);
        assertNotNull(w.firing, w.alert + " " + w.alertLabels + " not firing in /api/v1/alerts within "
                + ALERT_WITHIN.toMillis() + " ms (two scrape plus evaluation intervals) of the exporter showing "
                + w.series() + " (" + exposed.toMillis() + " ms after the failure); rules log:\n" + prometheus.log());
        Duration firing = Duration.between(w.exposedAt, w.firingAt);
        System.out.println("PrometheusEndToEndIT: " + w.what + ": on /metrics after " + exposed.toMillis()
                + " ms, " + w.alert + " firing " + firing.toMillis() + " ms later");
        assertTrue(firing.compareTo(ALERT_WITHIN) <= 0, w.alert + " fired " + firing.toMillis()
                + " ms after the exporter showed it; the bound is " + ALERT_WITHIN.toMillis() + " ms");
        return w.firing;
    }

    private static String notExposed(Watch w) {
        return "the exporter did not show " + w.series() + " within " + EXPOSED_WITHIN.toMillis() + " ms of the "
                + "failure (" + w.what + ")" + (w.firing == null ? ""
                        : "; yet " + w.alert + " fired: " + w.firing + " (does the series carry other labels?)");
    }

    private <T extends AutoCloseable> T own(T resource) {
        resources.push(resource);
        return resource;
    }

    @SafeVarargs
    private static void runTogether(List<String>... commands) throws Exception {
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<String>> runs = new ArrayList<>();
            for (List<String> command : commands) {
                runs.add(pool.submit(() -> Command.run(command.toArray(String[]::new))));
            }
            for (Future<String> run : runs) {
                run.get(IO_SECONDS + 30, TimeUnit.SECONDS);
            }
        }
    }

    // ---- the dashboards ----

    private static Path dashboards() {
        return ProjectFiles.root().resolve("grafana-dashboards");
    }

    /** What Grafana would put in for this node, these devices, a 1 s scrape interval and this incident. */
    private Map<String, String> values() {
        long range = Math.max(1, Duration.between(start, end == null ? Instant.now() : end).toSeconds() + 1);
        return Map.of(
                "node", NODE,
                "device", "(" + String.join("|", ext4.name(), volume.upperName(), volume.lower().name(),
                        remounted.name()) + ")",
                "__rate_interval", RATE_INTERVAL.toSeconds() + "s",
                "__interval", STEP.toSeconds() + "s",
                "__range", range + "s");
    }

    /** Which targets Grafana runs as instant queries ({@code "instant": true}), by dashboard, panel and refId. */
    private static Map<String, Boolean> instantTargets() {
        Map<String, Boolean> out = new LinkedHashMap<>();
        for (Path file : DashboardQueries.dashboards(dashboards())) {
            JsonNode d;
            try {
                d = new com.fasterxml.jackson.databind.ObjectMapper().readTree(file.toFile());
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            List<JsonNode> panels = new ArrayList<>();
            for (JsonNode p : d.path("panels")) {
                panels.add(p);
                p.path("panels").forEach(panels::add);
            }
            for (JsonNode p : panels) {
                for (JsonNode t : p.path("targets")) {
                    out.put(file.getFileName() + "\0" + p.path("title").asText() + "\0" + t.path("refId").asText(),
                            t.path("instant").asBoolean(false) && !t.path("range").asBoolean(false));
                }
            }
        }
        return out;
    }

    /**
     * Whether a query result (vector or matrix, floats or native histograms) holds a sample to show:
     * a finite number (above zero if {@code positive}), or a histogram with observations.
     */
    static boolean hasData(JsonNode result, boolean positive) {
        for (JsonNode series : result) {
            List<JsonNode> samples = new ArrayList<>();
            if (series.has("value")) {
                samples.add(series.get("value"));
            }
            series.path("values").forEach(samples::add);
            for (JsonNode s : samples) {
                double v = Double.parseDouble(s.get(1).asText());
                if (Double.isFinite(v) && (!positive || v > 0)) {
                    return true;
                }
            }
            List<JsonNode> histograms = new ArrayList<>();
            if (series.has("histogram")) {
                histograms.add(series.get("histogram"));
            }
            series.path("histograms").forEach(histograms::add);
            for (JsonNode h : histograms) {
                if (Double.parseDouble(h.get(1).path("count").asText("0")) > 0) {
                    return true;
                }
            }
        }
        return false;
    }

    /** For a failure message: the metrics of a query that Prometheus has no series of at all. */
    private String absentMetrics(String expr) {
        Set<String> absent = new TreeSet<>();
        Matcher m = METRIC_NAMES.matcher(expr);
        while (m.find()) {
            String name = m.group(1);
            if (name.endsWith("_bucket")) {
                continue; // classic buckets: absent whenever Prometheus keeps the native histogram
            }
            try {
                if (prometheus.query("count({__name__=\"" + name + "\"})", end).isEmpty()) {
                    absent.add(name);
                }
            } catch (Exception e) {
                absent.add(name + " (" + e + ")");
            }
        }
        return absent.isEmpty() ? "every metric it reads has series in Prometheus"
                : "no series in Prometheus at all (the exporter does not expose them): " + absent;
    }

    private static String abbreviate(String s) {
        return s.length() <= 600 ? s : s.substring(0, 600) + "...";
    }
}
