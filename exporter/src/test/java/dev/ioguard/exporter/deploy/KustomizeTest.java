package dev.ioguard.exporter.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The test's own kustomize renders exactly what {@code kubectl kustomize} renders, and refuses what
 * it does not support.
 */
class KustomizeTest {
    /**
     * kubectl embeds kustomize. It is not a Debian package in any registry the project reaches, so where
     * it is missing this one comparison is skipped (also under CI); the renderings themselves are
     * checked by the other tests either way.
     */
    @Test
    void rendersWhatKubectlKustomizeRenders(@TempDir Path tmp) throws IOException {
        Path kubectl = Processes.onPath("kubectl").orElse(null);
        Assumptions.assumeTrue(kubectl != null,
                "kubectl not on PATH: the comparison with real kustomize is skipped; the in-test rendering is still checked");
        for (DeployVariants.Variant v : DeployVariants.all()) {
            Path dir = v.base();
            if (!v.components().isEmpty()) {
                dir = Files.createDirectories(tmp.resolve(v.components().get(0).getFileName()));
                // kustomize refuses absolute paths: point at the repository relative to the temp overlay.
                Files.writeString(dir.resolve("kustomization.yaml"), "resources:\n  - " + dir.relativize(v.base())
                        + "\ncomponents:\n  - " + dir.relativize(v.components().get(0)) + "\n");
            }
            Processes.Result r = Processes.run(dir, List.of(kubectl.toString(), "kustomize", "."));
            assertEquals(0, r.exitCode(), v + ": kubectl kustomize failed:\n" + r.output());
            List<JsonNode> real = Yaml.documents(r.output());
            assertEquals(byId(real), byId(new ArrayList<>(v.objects())), v + ": in-test rendering differs from kustomize");
        }
    }

    private static Map<String, JsonNode> byId(List<? extends JsonNode> objects) {
        Map<String, JsonNode> out = new TreeMap<>();
        for (JsonNode o : objects) {
            out.put(o.path("apiVersion").asText() + " " + StrictKubernetes.describe(o), o);
        }
        return out;
    }

    @Test
    void aTestOperationGuardsIndexBasedPaths() {
        ObjectNode ds = (ObjectNode) Yaml.document(ProjectRoot.resolve("deploy/kubernetes/base/daemonset.yaml"));
        ((ObjectNode) ds.path("spec").path("template").path("spec").path("containers").get(0)).put("name", "sidecar");
        JsonNode patch = Yaml.document(ProjectRoot.resolve("deploy/kubernetes/components/memlock/patch.yaml"));
        var e = assertThrows(IllegalArgumentException.class,
                () -> Kustomize.JsonPatch.apply(ds, (com.fasterxml.jackson.databind.node.ArrayNode) patch, "memlock"));
        assertTrue(e.getMessage().contains("test failed"), e.getMessage());
    }

    @Test
    void unsupportedKustomizationKeysFail(@TempDir Path tmp) throws IOException {
        Files.writeString(tmp.resolve("kustomization.yaml"), "resources: []\nnamePrefix: x-\n");
        var e = assertThrows(IllegalArgumentException.class, () -> Kustomize.build(tmp));
        assertTrue(e.getMessage().contains("namePrefix"), e.getMessage());
    }

    @Test
    void aDeletePatchMustRemoveExactlyOneObject(@TempDir Path tmp) throws IOException {
        Path base = DeployVariants.kubernetesDir().resolve("base");
        Files.writeString(tmp.resolve("delete.yaml"),
                "$patch: delete\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: nope\n  namespace: ioguard\n");
        Files.writeString(tmp.resolve("kustomization.yaml"),
                "resources:\n  - " + tmp.relativize(base) + "\npatches:\n  - path: delete.yaml\n");
        var e = assertThrows(IllegalArgumentException.class, () -> Kustomize.build(tmp));
        assertTrue(e.getMessage().contains("exactly one"), e.getMessage());
    }
}
