package dev.ioguard.exporter.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.stream.Stream;

/**
 * Every PromQL query of every Grafana dashboard in a directory, ready to run against a Prometheus:
 * panel targets (rows and nested panels included) and annotation queries, with Grafana variables
 * replaced. For tests that run the dashboards for real (the end-to-end test) and for
 * {@link DashboardsTest}; the queries live only in the dashboard JSON.
 *
 * <p>Substitution: a dashboard variable becomes the value given for it, else {@code .*} (every
 * variable is used as a regex matcher, {@code =~"$x"}, with allValue {@code .*}); Grafana's built-ins
 * become the value given, else {@code $__rate_interval} and {@code $__interval} {@code 1m} and
 * {@code $__range} {@code 1h}. A variable the dashboard does not define fails.
 *
 * <p>Stateless; safe from any thread. Returned lists are immutable.
 */
public final class DashboardQueries {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, String> BUILT_INS = Map.of(
            "__rate_interval", "1m",
            "__interval", "1m",
            "__range", "1h");

    /**
     * One query.
     *
     * @param dashboard the dashboard's file name, e.g. {@code ioguard-node-io.json}
     * @param panel     the panel's title, or {@code annotation: <name>}
     * @param refId     the target's refId ({@code A}, {@code B}, ...), or the annotation's name
     * @param expr      the PromQL, variables substituted
     */
    public record Query(String dashboard, String panel, String refId, String expr) {
        @Override
        public String toString() {
            return dashboard + " / " + panel + " / " + refId + ": " + expr;
        }
    }

    private DashboardQueries() {
    }

    /** Every query of every {@code *.json} dashboard in {@code dashboardsDir}, default substitutions. */
    public static List<Query> all(Path dashboardsDir) {
        return all(dashboardsDir, Map.of());
    }

    /**
     * Every query, with {@code values} (variable name without {@code $}, e.g. {@code node} or
     * {@code __rate_interval}) overriding the defaults.
     */
    public static List<Query> all(Path dashboardsDir, Map<String, String> values) {
        List<Query> out = new ArrayList<>();
        for (Query raw : raw(dashboardsDir)) {
            Set<String> defined = definedVariables(dashboardsDir.resolve(raw.dashboard()));
            out.add(new Query(raw.dashboard(), raw.panel(), raw.refId(), substitute(raw.expr(), defined, values)));
        }
        return List.copyOf(out);
    }

    /**
     * The query of every template variable of type {@code query} (e.g.
     * {@code label_values(system_disk_operations_total{instance=~"$node"}, system_device)}), with
     * {@code values} substituted as in {@link #all(Path, Map)}. Panel is {@code variable: <name>},
     * refId the variable's name.
     */
    public static List<Query> variableQueries(Path dashboardsDir, Map<String, String> values) {
        List<Query> out = new ArrayList<>();
        for (Path file : dashboards(dashboardsDir)) {
            Set<String> defined = definedVariables(file);
            for (JsonNode v : read(file).path("templating").path("list")) {
                if (v.path("type").asText().equals("query")) {
                    String name = v.path("name").asText();
                    String query = v.path("query").path("query").asText(v.path("query").asText());
                    out.add(new Query(file.getFileName().toString(), "variable: " + name, name,
                            substitute(query, defined, values)));
                }
            }
        }
        return List.copyOf(out);
    }

    /** Every query as written in the JSON, variables not substituted. */
    public static List<Query> raw(Path dashboardsDir) {
        List<Query> out = new ArrayList<>();
        for (Path file : dashboards(dashboardsDir)) {
            JsonNode dashboard = read(file);
            String name = file.getFileName().toString();
            for (JsonNode panel : panels(dashboard)) {
                for (JsonNode target : panel.path("targets")) {
                    if (target.has("expr")) {
                        out.add(new Query(name, panel.path("title").asText(), target.path("refId").asText(),
                                target.get("expr").asText()));
                    }
                }
            }
            for (JsonNode annotation : dashboard.path("annotations").path("list")) {
                if (annotation.has("expr")) {
                    out.add(new Query(name, "annotation: " + annotation.path("name").asText(),
                            annotation.path("name").asText(), annotation.get("expr").asText()));
                }
            }
        }
        return List.copyOf(out);
    }

    /** The dashboard files of {@code dashboardsDir}, sorted by name. */
    public static List<Path> dashboards(Path dashboardsDir) {
        try (Stream<Path> files = Files.list(dashboardsDir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".json")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dashboardsDir, e);
        }
    }

    /** Every panel of a dashboard, panels nested in rows included, rows themselves excluded. */
    static List<JsonNode> panels(JsonNode dashboard) {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode panel : dashboard.path("panels")) {
            if (!panel.path("type").asText().equals("row")) {
                out.add(panel);
            }
            for (JsonNode nested : panel.path("panels")) {
                out.add(nested);
            }
        }
        return out;
    }

    /** The names of the template variables a dashboard defines. */
    static Set<String> definedVariables(Path dashboardFile) {
        Set<String> names = new LinkedHashSet<>();
        for (JsonNode v : read(dashboardFile).path("templating").path("list")) {
            names.add(v.path("name").asText());
        }
        return names;
    }

    static JsonNode read(Path file) {
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read dashboard " + file, e);
        }
    }

    static String substitute(String expr, Set<String> defined, Map<String, String> values) {
        Map<String, String> defaults = new HashMap<>(BUILT_INS);
        for (String name : defined) {
            defaults.put(name, ".*");
        }
        defaults.putAll(values);
        Matcher m = PromqlNames.variablePattern().matcher(expr);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String name = m.group(1) != null ? m.group(1) : m.group(2) != null ? m.group(2) : m.group(3);
            String value = defaults.get(name);
            if (value == null || (!defined.contains(name) && !BUILT_INS.containsKey(name))) {
                throw new IllegalArgumentException("variable $" + name + " is not defined by the dashboard: " + expr);
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }
}
