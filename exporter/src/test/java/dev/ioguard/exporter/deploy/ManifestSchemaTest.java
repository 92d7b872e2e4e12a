package dev.ioguard.exporter.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every manifest under deploy/kubernetes against the Kubernetes API schema (strict fabric8 binding):
 * each resource file on its own, and every rendering (base, overlays, base with each component).
 */
class ManifestSchemaTest {
    private static List<Path> yamlFiles() throws IOException {
        try (Stream<Path> s = Files.walk(DeployVariants.kubernetesDir())) {
            return s.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml")).sorted().toList();
        }
    }

    @Test
    void everyResourceFileMatchesTheSchema() throws IOException {
        int checked = 0;
        for (Path file : yamlFiles()) {
            String name = file.getFileName().toString();
            if (name.equals("kustomization.yaml")) {
                Kustomize.kustomization(file.getParent());
                continue;
            }
            for (JsonNode doc : Yaml.documents(file)) {
                if (doc.isArray() || doc.path("$patch").asText().equals("delete")) {
                    continue; // patches: checked by rendering them (below)
                }
                StrictKubernetes.parse(doc);
                checked++;
            }
        }
        assertTrue(checked >= 6, "expected the base's six objects at least, checked " + checked);
    }

    @Test
    void everyRenderingMatchesTheSchema() {
        for (DeployVariants.Variant v : DeployVariants.all()) {
            assertFalse(v.objects().isEmpty(), v + " renders nothing");
            Set<String> ids = new HashSet<>();
            for (ObjectNode o : v.objects()) {
                StrictKubernetes.parse(o);
                assertTrue(ids.add(o.path("apiVersion").asText() + " " + StrictKubernetes.describe(o)),
                        v + ": duplicate object " + StrictKubernetes.describe(o));
                if (!o.path("kind").asText().equals("Namespace")) {
                    assertEquals("ioguard", o.path("metadata").path("namespace").asText(),
                            v + ": " + StrictKubernetes.describe(o) + " must be in namespace ioguard");
                }
            }
        }
    }

    @Test
    void theBaseShipsTheWholeSet() {
        List<String> kinds = new ArrayList<>();
        Kustomize.build(DeployVariants.kubernetesDir().resolve("base")).forEach(o -> kinds.add(o.path("kind").asText()));
        assertEquals(List.of("Namespace", "ServiceAccount", "DaemonSet", "Service", "ServiceMonitor", "PrometheusRule"), kinds);
    }

    @Test
    void withoutTheOperatorNoOperatorKindsRemain() {
        List<ObjectNode> objects = Kustomize.build(DeployVariants.kubernetesDir().resolve("overlays/no-prometheus-operator"));
        assertTrue(objects.stream().noneMatch(o -> o.path("apiVersion").asText().startsWith("monitoring.coreos.com/")),
                "overlays/no-prometheus-operator must not need the operator's CRDs");
        assertEquals(4, objects.size());
    }

    @Test
    void everyComponentIsUsedOrDocumented() throws IOException {
        String readme = Files.readString(ProjectRoot.resolve("deploy/README.md"));
        for (Path c : DeployVariants.components()) {
            assertTrue(readme.contains("components/" + c.getFileName()), "deploy/README.md does not document " + c);
        }
    }
}
