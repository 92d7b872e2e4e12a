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
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * deploy/alerts/ioguard-rules.yml: accepted by promtool, every alert unit-tested by promtool (firing
 * and not firing), and each alert complete: severity, summary, a description that uses labels, and
 * a runbook_url whose anchor is a section of deploy/RUNBOOK.md.
 */
class AlertRulesTest {
    /** The alerts issue 5 and the brief ask for; more may exist, none of these may go. */
    private static final Set<String> REQUIRED = Set.of(
            "IoguardFilesystemReadOnly", "IoguardFilesystemErrors", "IoguardDiskRequestErrors",
            "IoguardDiskSaturated", "IoguardDiskLatencyAboveBaseline", "IoguardHookDown", "IoguardEventsDropped");

    private static List<Path> unitTestFiles() throws IOException {
        try (Stream<Path> s = Files.list(AlertRules.testsDir())) {
            return s.filter(p -> p.toString().endsWith(".yml")).sorted().toList();
        }
    }

    private static Set<String> alertNames() {
        Set<String> names = new LinkedHashSet<>();
        AlertRules.alerts().forEach(a -> names.add(a.get("alert").asText()));
        return names;
    }

    @Test
    void promtoolChecksTheRulesFile() {
        Processes.Result r = Promtool.run(ProjectRoot.path(), "check", "rules", AlertRules.rulesFile().toString());
        assertTrue(r.ok(), "promtool check rules failed:\n" + r.output());
        assertTrue(r.output().contains("SUCCESS"), r.output());
    }

    @Test
    void promtoolUnitTestsPass() throws IOException {
        List<Path> files = unitTestFiles();
        assertFalse(files.isEmpty(), "no unit tests in " + AlertRules.testsDir());
        List<String> args = new ArrayList<>(List.of("test", "rules"));
        files.forEach(f -> args.add(f.toString()));
        Processes.Result r = Promtool.run(AlertRules.testsDir(), args.toArray(String[]::new));
        assertTrue(r.ok(), "promtool test rules failed:\n" + r.output());
        int successes = r.output().split("SUCCESS", -1).length - 1;
        assertEquals(files.size(), successes, "one SUCCESS per test file expected:\n" + r.output());
    }

    @Test
    void theRequiredAlertsExist() {
        Set<String> missing = new TreeSet<>(REQUIRED);
        missing.removeAll(alertNames());
        assertTrue(missing.isEmpty(), "missing alerts: " + missing);
    }

    @Test
    void everyAlertIsTestedFiringAndNotFiring() throws IOException {
        Set<String> firing = new HashSet<>();
        Set<String> quiet = new HashSet<>();
        for (Path file : unitTestFiles()) {
            JsonNode doc = Yaml.document(file);
            List<String> ruleFiles = new ArrayList<>();
            doc.path("rule_files").forEach(n -> ruleFiles.add(file.getParent().resolve(n.asText()).normalize().toString()));
            assertEquals(List.of(AlertRules.rulesFile().normalize().toString()), ruleFiles,
                    file + " must test the real rules file, and only it");
            for (JsonNode test : doc.path("tests")) {
                for (JsonNode case_ : test.path("alert_rule_test")) {
                    String alert = case_.path("alertname").asText();
                    (case_.path("exp_alerts").isEmpty() ? quiet : firing).add(alert);
                }
            }
        }
        Set<String> untestedFiring = new TreeSet<>(alertNames());
        untestedFiring.removeAll(firing);
        Set<String> untestedQuiet = new TreeSet<>(alertNames());
        untestedQuiet.removeAll(quiet);
        assertTrue(untestedFiring.isEmpty(), "alerts without a firing unit test: " + untestedFiring);
        assertTrue(untestedQuiet.isEmpty(), "alerts without a not-firing unit test: " + untestedQuiet);
    }

    @Test
    void everyAlertHasSeveritySummaryDescriptionAndRunbook() {
        for (JsonNode a : AlertRules.alerts()) {
            String name = a.get("alert").asText();
            assertTrue(Set.of("critical", "warning").contains(a.path("labels").path("severity").asText()),
                    name + ": severity must be critical or warning");
            String summary = a.path("annotations").path("summary").asText();
            String description = a.path("annotations").path("description").asText();
            assertFalse(summary.isBlank(), name + ": no summary");
            assertTrue(description.length() > 60, name + ": description too thin: " + description);
            assertTrue(description.contains("{{ $labels.instance }}"), name + ": description must name the node");
            assertTrue(summary.contains("{{ $labels."), name + ": summary must say where, from labels");
        }
    }

    @Test
    void theReadOnlyAlertIsCriticalAndFiresAtOnce() {
        JsonNode a = AlertRules.alerts().stream()
                .filter(r -> r.get("alert").asText().equals("IoguardFilesystemReadOnly")).findFirst().orElseThrow();
        assertEquals("critical", a.path("labels").path("severity").asText());
        assertTrue(!a.has("for") || a.get("for").asText().equals("0m") || a.get("for").asText().equals("0s"),
                "the read-only alert must not wait: for " + a.path("for"));
        assertTrue(a.get("expr").asText().contains("ioguard_filesystem_readonly"), "reads the read-only gauge");
    }

    @Test
    void everyRunbookUrlNamesASectionOfTheRunbook() throws IOException {
        Set<String> anchors = markdownAnchors(ProjectRoot.resolve("deploy/RUNBOOK.md"));
        for (JsonNode a : AlertRules.alerts()) {
            String name = a.get("alert").asText();
            String url = a.path("annotations").path("runbook_url").asText();
            assertEquals("deploy/RUNBOOK.md#" + name.toLowerCase(java.util.Locale.ROOT), url,
                    name + ": runbook_url must point at its own section");
            String anchor = url.substring(url.indexOf('#') + 1);
            assertTrue(anchors.contains(anchor), name + ": deploy/RUNBOOK.md has no section #" + anchor
                    + " (sections: " + anchors + ")");
        }
    }

    @Test
    void rulesReadOnlyContractMetricsAndTheirOwnRecordings() {
        Set<String> allowed = new HashSet<>(MetricContract.SERIES);
        allowed.addAll(AlertRules.recordedNames());
        for (JsonNode r : AlertRules.rules()) {
            String id = r.has("alert") ? r.get("alert").asText() : r.get("record").asText();
            Set<String> unknown = new TreeSet<>(PromqlNames.seriesNames(r.get("expr").asText()));
            unknown.removeAll(allowed);
            assertTrue(unknown.isEmpty(), id + " reads series outside the metric contract: " + unknown);
        }
    }

    /** GitHub's heading anchors: lower case, punctuation other than '-' and '_' dropped, spaces to '-'. */
    static Set<String> markdownAnchors(Path markdown) throws IOException {
        Set<String> anchors = new HashSet<>();
        Pattern heading = Pattern.compile("^#{1,6}\\s+(.+?)\\s*$");
        boolean fenced = false;
        for (String line : Files.readAllLines(markdown)) {
            if (line.startsWith("```")) {
                fenced = !fenced;
                continue;
            }
            Matcher m = heading.matcher(line);
            if (!fenced && m.matches()) {
                anchors.add(m.group(1).toLowerCase(java.util.Locale.ROOT)
                        .replaceAll("[^\\p{L}\\p{N} _-]", "").replace(' ', '-'));
            }
        }
        return anchors;
    }
}
