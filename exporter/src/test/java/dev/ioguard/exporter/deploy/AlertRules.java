package dev.ioguard.exporter.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The rules of deploy/alerts/ioguard-rules.yml, read as YAML.
 *
 * <p>Stateless; safe from any thread.
 */
final class AlertRules {
    private AlertRules() {
    }

    static Path rulesFile() {
        return ProjectRoot.resolve("deploy/alerts/ioguard-rules.yml");
    }

    static Path testsDir() {
        return ProjectRoot.resolve("deploy/alerts/tests");
    }

    static JsonNode groups() {
        return Yaml.document(rulesFile()).path("groups");
    }

    /** Every rule (alerting and recording), in file order. */
    static List<JsonNode> rules() {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode group : groups()) {
            group.path("rules").forEach(out::add);
        }
        return out;
    }

    static List<JsonNode> alerts() {
        return rules().stream().filter(r -> r.has("alert")).toList();
    }

    static List<String> recordedNames() {
        return rules().stream().filter(r -> r.has("record")).map(r -> r.get("record").asText()).distinct().toList();
    }
}
