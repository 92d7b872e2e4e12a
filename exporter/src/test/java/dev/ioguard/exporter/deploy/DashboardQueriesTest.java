package dev.ioguard.exporter.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The helper the end-to-end test uses to run every dashboard query. */
class DashboardQueriesTest {
    private static final String DASHBOARD = """
            {"uid": "t", "title": "t",
             "templating": {"list": [{"name": "datasource", "type": "datasource"},
                                     {"name": "node", "type": "query"}, {"name": "device", "type": "query"}]},
             "annotations": {"list": [{"name": "Remounts", "expr": "changes(m{instance=~\\"$node\\"}[$__rate_interval])"},
                                      {"name": "builtin", "builtIn": 1}]},
             "panels": [
               {"id": 1, "type": "stat", "title": "Top", "targets": [{"refId": "A", "expr": "up{instance=~\\"${node}\\"}"}]},
               {"id": 2, "type": "row", "title": "Row", "collapsed": true, "panels": [
                 {"id": 3, "type": "timeseries", "title": "Nested",
                  "targets": [{"refId": "A", "expr": "rate(x{system_device=~\\"[[device]]\\"}[$__rate_interval])"},
                              {"refId": "B", "expr": "y{instance=~\\"${node:regex}\\"} offset $__interval"}]}]}]}
            """;

    private static Path write(Path dir, String json) throws IOException {
        Files.writeString(dir.resolve("d.json"), json);
        return dir;
    }

    @Test
    void everyTargetAndAnnotationWithVariablesAsMatchAll(@TempDir Path tmp) throws IOException {
        List<DashboardQueries.Query> q = DashboardQueries.all(write(tmp, DASHBOARD));
        assertEquals(List.of(
                new DashboardQueries.Query("d.json", "Top", "A", "up{instance=~\".*\"}"),
                new DashboardQueries.Query("d.json", "Nested", "A", "rate(x{system_device=~\".*\"}[1m])"),
                new DashboardQueries.Query("d.json", "Nested", "B", "y{instance=~\".*\"} offset 1m"),
                new DashboardQueries.Query("d.json", "annotation: Remounts", "Remounts", "changes(m{instance=~\".*\"}[1m])")), q);
    }

    @Test
    void givenValuesWin(@TempDir Path tmp) throws IOException {
        List<DashboardQueries.Query> q = DashboardQueries.all(write(tmp, DASHBOARD),
                Map.of("node", "node-a", "__rate_interval", "15s"));
        assertEquals("rate(x{system_device=~\".*\"}[15s])", q.get(1).expr());
        assertEquals("up{instance=~\"node-a\"}", q.get(0).expr());
    }

    @Test
    void variableQueriesWithValuesSubstituted(@TempDir Path tmp) throws IOException {
        write(tmp, DASHBOARD.replace("{\"name\": \"device\", \"type\": \"query\"}",
                "{\"name\": \"device\", \"type\": \"query\", \"query\": {\"query\": "
                        + "\"label_values(x{instance=~\\\"$node\\\"}, system_device)\"}}"));
        assertEquals(List.of(
                new DashboardQueries.Query("d.json", "variable: node", "node", ""),
                new DashboardQueries.Query("d.json", "variable: device", "device",
                        "label_values(x{instance=~\"node-a\"}, system_device)")),
                DashboardQueries.variableQueries(tmp, Map.of("node", "node-a")));
    }

    @Test
    void anUndefinedVariableFails(@TempDir Path tmp) throws IOException {
        write(tmp, DASHBOARD.replace("[[device]]", "$disk"));
        var e = assertThrows(IllegalArgumentException.class, () -> DashboardQueries.all(tmp, Map.of("disk", "sda")));
        assertTrue(e.getMessage().contains("$disk"), e.getMessage());
    }

    @Test
    void theRealDashboardsLeaveNoVariableBehind() {
        List<DashboardQueries.Query> q = DashboardQueries.all(ProjectRoot.resolve("grafana-dashboards"));
        assertFalse(q.isEmpty());
        assertEquals(DashboardQueries.raw(ProjectRoot.resolve("grafana-dashboards")).size(), q.size());
        q.forEach(query -> assertFalse(query.expr().contains("$"), query.toString()));
    }
}
