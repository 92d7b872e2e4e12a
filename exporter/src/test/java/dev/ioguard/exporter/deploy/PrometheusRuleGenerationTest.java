package dev.ioguard.exporter.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.openshift.api.model.monitoring.v1.PrometheusRule;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One source: deploy/kubernetes/base/prometheusrule.yaml is what generate-prometheusrule.sh makes
 * of deploy/alerts/ioguard-rules.yml, byte for byte, and a valid PrometheusRule.
 */
class PrometheusRuleGenerationTest {
    private static final Path SCRIPT = ProjectRoot.resolve("deploy/alerts/generate-prometheusrule.sh");
    private static final Path COMMITTED = ProjectRoot.resolve("deploy/kubernetes/base/prometheusrule.yaml");

    private static Processes.Result generate(Path rules, Path out) {
        return Processes.run(ProjectRoot.path(), List.of("bash", SCRIPT.toString(), rules.toString(), out.toString()));
    }

    @Test
    void theCommittedPrometheusRuleIsUpToDate(@TempDir Path tmp) throws IOException {
        Path out = tmp.resolve("prometheusrule.yaml");
        Processes.Result r = generate(AlertRules.rulesFile(), out);
        assertEquals(0, r.exitCode(), r.output());
        assertEquals(Files.readString(out), Files.readString(COMMITTED),
                "deploy/kubernetes/base/prometheusrule.yaml is stale: run deploy/alerts/generate-prometheusrule.sh");
    }

    @Test
    void aChangedRulesFileMakesTheCommittedFileStale(@TempDir Path tmp) throws IOException {
        Path rules = tmp.resolve("rules.yml");
        Files.writeString(rules, Files.readString(AlertRules.rulesFile()).replace("for: 5m", "for: 6m"));
        Path out = tmp.resolve("prometheusrule.yaml");
        assertEquals(0, generate(rules, out).exitCode());
        assertNotEquals(Files.readString(COMMITTED), Files.readString(out));
    }

    @Test
    void theGeneratedGroupsAreTheRulesFileGroups() {
        JsonNode generated = Yaml.document(COMMITTED);
        assertEquals(AlertRules.groups(), generated.path("spec").path("groups"));
    }

    @Test
    void theGeneratedFileIsAValidPrometheusRule() {
        PrometheusRule rule = StrictKubernetes.parse(Yaml.document(COMMITTED), PrometheusRule.class);
        assertEquals("ioguard", rule.getMetadata().getNamespace());
        long alerts = rule.getSpec().getGroups().stream().flatMap(g -> g.getRules().stream())
                .filter(r -> r.getAlert() != null).count();
        assertEquals(AlertRules.alerts().size(), alerts);
    }

    @Test
    void theScriptRefusesARulesFileWithOtherTopLevelKeys(@TempDir Path tmp) throws IOException {
        Path rules = tmp.resolve("rules.yml");
        Files.writeString(rules, Files.readString(AlertRules.rulesFile()) + "extra: 1\n");
        Processes.Result r = generate(rules, tmp.resolve("out.yaml"));
        assertEquals(2, r.exitCode(), r.output());
        assertTrue(r.output().contains("extra: 1"), r.output());
        assertTrue(Files.notExists(tmp.resolve("out.yaml")));
    }
}
