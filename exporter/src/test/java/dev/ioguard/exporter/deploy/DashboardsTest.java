package dev.ioguard.exporter.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * grafana-dashboards/: well-formed Grafana JSON, every query non-empty, selecting only contract
 * metrics, using only the dashboard's variables, and parsed by promtool. Whether each query returns
 * data is the end-to-end test's job (it runs {@link DashboardQueries#all} against a real Prometheus).
 */
class DashboardsTest {
    private static final Path DIR = ProjectRoot.resolve("grafana-dashboards");
    private static final Set<String> BUILT_INS = Set.of("__rate_interval", "__interval", "__range", "__range_s");

    private static List<Path> dashboards() {
        List<Path> files = DashboardQueries.dashboards(DIR);
        assertEquals(List.of("ioguard-fleet.json", "ioguard-node-io.json"),
                files.stream().map(p -> p.getFileName().toString()).toList());
        return files;
    }

    @Test
    void dashboardsAreWellFormed() {
        Set<String> uids = new HashSet<>();
        for (Path file : dashboards()) {
            JsonNode d = DashboardQueries.read(file);
            String name = file.getFileName().toString();
            assertTrue(uids.add(d.path("uid").asText()), name + ": uid must be unique");
            assertFalse(d.path("title").asText().isBlank(), name + ": title");
            assertTrue(d.path("schemaVersion").asInt() >= 36, name + ": schemaVersion");
            assertTrue(DashboardQueries.definedVariables(file).contains("datasource"), name + ": a datasource variable");
            Set<Integer> ids = new HashSet<>();
            for (JsonNode p : d.path("panels")) {
                assertTrue(ids.add(p.path("id").asInt()), name + ": duplicate panel id " + p.path("id"));
                JsonNode g = p.path("gridPos");
                assertTrue(g.path("x").asInt() + g.path("w").asInt() <= 24 && g.path("w").asInt() > 0
                        && g.path("h").asInt() > 0, name + ": gridPos of " + p.path("title"));
            }
            for (JsonNode p : DashboardQueries.panels(d)) {
                String where = name + " / " + p.path("title").asText();
                assertFalse(p.path("title").asText().isBlank(), name + ": a panel without title");
                assertEquals("${datasource}", p.path("datasource").path("uid").asText(), where + ": datasource");
                assertTrue(p.path("targets").size() > 0, where + ": no targets");
                Set<String> refIds = new HashSet<>();
                for (JsonNode t : p.path("targets")) {
                    assertTrue(refIds.add(t.path("refId").asText()), where + ": duplicate refId");
                    assertFalse(t.path("expr").asText().isBlank(), where + ": empty expr");
                }
            }
        }
    }

    @Test
    void queriesSelectOnlyContractMetrics() {
        for (DashboardQueries.Query q : DashboardQueries.raw(DIR)) {
            Set<String> names = PromqlNames.seriesNames(q.expr());
            assertFalse(names.isEmpty(), q + ": selects no series");
            Set<String> unknown = new TreeSet<>(names);
            unknown.removeAll(MetricContract.SERIES);
            assertTrue(unknown.isEmpty(), q + ": not in the metric contract: " + unknown);
        }
    }

    @Test
    void queriesUseOnlyTheDashboardsVariables() {
        for (DashboardQueries.Query q : DashboardQueries.raw(DIR)) {
            Set<String> defined = DashboardQueries.definedVariables(DIR.resolve(q.dashboard()));
            for (String v : PromqlNames.variables(q.expr())) {
                assertTrue(defined.contains(v) || BUILT_INS.contains(v), q + ": $" + v + " is not a variable of the dashboard");
            }
        }
    }

    @Test
    void variableQueriesUseContractMetricsAndDefinedVariables() {
        Pattern labelValues = Pattern.compile("^label_values\\(([a-zA-Z_:][\\w:]*)(\\{[^}]*})?,\\s*([a-zA-Z_]\\w*)\\)$");
        for (Path file : dashboards()) {
            Set<String> defined = DashboardQueries.definedVariables(file);
            for (JsonNode v : DashboardQueries.read(file).path("templating").path("list")) {
                if (!v.path("type").asText().equals("query")) {
                    continue;
                }
                String query = v.path("query").path("query").asText(v.path("query").asText());
                Matcher m = labelValues.matcher(query);
                assertTrue(m.matches(), file.getFileName() + ": variable " + v.path("name") + ": " + query);
                assertTrue(MetricContract.SERIES.contains(m.group(1)), query + ": not a contract metric");
                for (String used : PromqlNames.variables(query)) {
                    assertTrue(defined.contains(used), query + ": $" + used + " undefined");
                }
                assertEquals(".*", v.path("allValue").asText(), v.path("name") + ": allValue must be .* (queries use =~)");
            }
        }
    }

    @Test
    void everyVariableIsUsed() {
        for (Path file : dashboards()) {
            String text = DashboardQueries.read(file).toString();
            for (String v : DashboardQueries.definedVariables(file)) {
                assertTrue(text.contains("$" + v) || text.contains("${" + v + "}"), file.getFileName() + ": $" + v + " is never used");
            }
        }
    }

    /** promtool parses a query when it is a recording rule: one rule per query, then check rules. */
    @Test
    void promtoolParsesEveryQuery(@TempDir Path tmp) throws IOException {
        List<DashboardQueries.Query> queries = DashboardQueries.all(DIR);
        assertTrue(queries.size() > 20, "suspiciously few queries: " + queries.size());
        Map<String, DashboardQueries.Query> byRule = new LinkedHashMap<>();
        StringBuilder rules = new StringBuilder("groups:\n  - name: dashboards\n    rules:\n");
        for (DashboardQueries.Query q : queries) {
            String record = "dashboard_query_" + byRule.size();
            byRule.put(record, q);
            rules.append("      - record: ").append(record).append("\n        expr: ")
                    .append(Yaml.write(q.expr()).replaceFirst("^---\\s*", "").strip()).append('\n');
        }
        Path file = tmp.resolve("dashboards.rules.yml");
        Files.writeString(file, rules.toString());
        Processes.Result r = Promtool.run(tmp, "check", "rules", file.toString());
        List<String> failing = new ArrayList<>();
        byRule.forEach((record, q) -> {
            if (r.output().contains("\"" + record + "\"")) {
                failing.add(q.toString());
            }
        });
        assertTrue(r.ok(), "promtool cannot parse:\n" + String.join("\n", failing) + "\n" + r.output());
        assertTrue(r.output().contains("SUCCESS: " + queries.size() + " rules found"), r.output());
    }

    @Test
    void theNodeDashboardShowsTheWholeChain() {
        JsonNode d = DashboardQueries.read(DIR.resolve("ioguard-node-io.json"));
        Set<String> vars = DashboardQueries.definedVariables(DIR.resolve("ioguard-node-io.json"));
        assertTrue(vars.containsAll(Set.of("node", "device")), "variables for node and device: " + vars);
        Map<String, Set<String>> byType = metricsByPanelType(d);
        assertTrue(byType.getOrDefault("heatmap", Set.of()).containsAll(Set.of(
                "ioguard_disk_service_duration_seconds_bucket", "ioguard_disk_request_duration_seconds_bucket",
                "ioguard_disk_queue_depth_bucket")), "latency and queue-depth heatmaps: " + byType.get("heatmap"));
        Set<String> all = new HashSet<>();
        byType.values().forEach(all::addAll);
        assertTrue(all.containsAll(Set.of("ioguard_disk_queue_duration_seconds_bucket", "ioguard_disk_inflight_requests",
                "system_disk_operations_total", "system_disk_io_bytes_total", "ioguard_disk_request_errors_total",
                "ioguard_filesystem_readonly", "ioguard_filesystem_errors_total", "ioguard_hook_live")), all.toString());
        Set<String> annotated = new HashSet<>();
        for (JsonNode a : d.path("annotations").path("list")) {
            annotated.addAll(PromqlNames.seriesNames(a.path("expr").asText("")));
        }
        assertTrue(annotated.contains("ioguard_filesystem_remounts_total"), "remounts as annotations");
        assertTrue(annotated.contains("ioguard_filesystem_readonly"), "turning read-only as an annotation");
    }

    @Test
    void theFleetDashboardShowsReadOnlyErrorsAndSaturation() {
        Set<String> all = new HashSet<>();
        metricsByPanelType(DashboardQueries.read(DIR.resolve("ioguard-fleet.json"))).values().forEach(all::addAll);
        assertTrue(all.containsAll(Set.of("ioguard_filesystem_readonly", "ioguard_filesystem_errors_total",
                "ioguard_disk_request_errors_total", "ioguard_disk_queue_depth_bucket",
                "ioguard_disk_service_duration_seconds_bucket", "ALERTS")), all.toString());
    }

    private static Map<String, Set<String>> metricsByPanelType(JsonNode dashboard) {
        Map<String, Set<String>> out = new LinkedHashMap<>();
        for (JsonNode p : DashboardQueries.panels(dashboard)) {
            Set<String> names = out.computeIfAbsent(p.path("type").asText(), k -> new HashSet<>());
            p.path("targets").forEach(t -> names.addAll(PromqlNames.seriesNames(t.path("expr").asText())));
        }
        return out;
    }
}
