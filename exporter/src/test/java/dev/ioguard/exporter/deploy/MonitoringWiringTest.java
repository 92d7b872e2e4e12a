package dev.ioguard.exporter.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.openshift.api.model.monitoring.v1.Endpoint;
import io.fabric8.openshift.api.model.monitoring.v1.ServiceMonitor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pieces that must agree for Prometheus to scrape every node: the DaemonSet's port and flag,
 * the headless Service, the ServiceMonitor, the plain scrape config, and the exporter-down alert's job.
 */
class MonitoringWiringTest {
    private static final Path SCRAPE_CONFIG = ProjectRoot.resolve("deploy/prometheus/scrape-config.yml");

    private static DaemonSet daemonSet() {
        return StrictKubernetes.parse(DeployVariants.all().get(0).only("DaemonSet"), DaemonSet.class);
    }

    private static Service service() {
        return StrictKubernetes.parse(DeployVariants.all().get(0).only("Service"), Service.class);
    }

    private static ServiceMonitor serviceMonitor() {
        return StrictKubernetes.parse(DeployVariants.all().get(0).only("ServiceMonitor"), ServiceMonitor.class);
    }

    private static Map<String, String> podLabels() {
        return daemonSet().getSpec().getTemplate().getMetadata().getLabels();
    }

    private static Container container() {
        return daemonSet().getSpec().getTemplate().getSpec().getContainers().get(0);
    }

    @Test
    void theListenFlagAndTheContainerPortAgree() {
        String flag = container().getArgs().stream().filter(a -> a.startsWith("--web.listen-address=")).findFirst().orElseThrow();
        int port = Integer.parseInt(flag.substring(flag.lastIndexOf(':') + 1));
        assertEquals(9477, port, "ioguard's default port");
        assertEquals(port, container().getPorts().get(0).getContainerPort());
    }

    @Test
    void theDaemonSetSelectorMatchesItsPods() {
        Map<String, String> selector = daemonSet().getSpec().getSelector().getMatchLabels();
        assertTrue(podLabels().entrySet().containsAll(selector.entrySet()), "selector " + selector + " vs " + podLabels());
    }

    @Test
    void theServiceIsHeadlessSelectsThePodsAndKeepsDegradedOnes() {
        Service s = service();
        assertEquals("None", s.getSpec().getClusterIP());
        assertEquals(Boolean.TRUE, s.getSpec().getPublishNotReadyAddresses(),
                "a degraded pod (not ready) must still be scraped");
        assertTrue(podLabels().entrySet().containsAll(s.getSpec().getSelector().entrySet()));
        ServicePort port = s.getSpec().getPorts().get(0);
        assertEquals("metrics", port.getName());
        assertEquals(container().getPorts().get(0).getName(), port.getTargetPort().getStrVal());
    }

    @Test
    void theServiceMonitorSelectsTheServiceAndNamesNodesAsInstances() {
        ServiceMonitor sm = serviceMonitor();
        Service s = service();
        assertTrue(s.getMetadata().getLabels().entrySet().containsAll(sm.getSpec().getSelector().getMatchLabels().entrySet()));
        assertEquals(List.of(s.getMetadata().getNamespace()), sm.getSpec().getNamespaceSelector().getMatchNames());
        Endpoint e = sm.getSpec().getEndpoints().get(0);
        assertEquals(s.getSpec().getPorts().get(0).getName(), e.getPort());
        assertEquals("/metrics", e.getPath());
        Map<String, String> targets = new HashMap<>();
        e.getRelabelings().forEach(r -> targets.put(r.getTargetLabel(), String.join(",", r.getSourceLabels())));
        assertEquals("__meta_kubernetes_pod_node_name", targets.get("instance"));
        assertEquals("__meta_kubernetes_pod_node_name", targets.get("node"));
        assertTrue(sm.getSpec().getScrapeProtocols().contains("PrometheusProto"), "native histograms need protobuf");
        assertEquals(Boolean.TRUE, sm.getSpec().getScrapeClassicHistograms());
        // The job label comes from the Service label jobLabel names: it must be "ioguard" (IoguardExporterDown).
        assertEquals("ioguard", s.getMetadata().getLabels().get(sm.getSpec().getJobLabel()));
    }

    @Test
    void theScrapeConfigFindsThePodsAndNamesNodesAsInstances() {
        JsonNode job = Yaml.document(SCRAPE_CONFIG).path("scrape_configs").get(0);
        assertEquals("ioguard", job.path("job_name").asText(), "IoguardExporterDown watches up{job=\"ioguard\"}");
        JsonNode sd = job.path("kubernetes_sd_configs").get(0);
        assertEquals("pod", sd.path("role").asText(), "pod role: degraded (not ready) pods are scraped too");
        assertEquals("ioguard", sd.path("namespaces").path("names").get(0).asText());
        Map<String, String> selector = new HashMap<>();
        Arrays.stream(sd.path("selectors").get(0).path("label").asText().split(","))
                .map(kv -> kv.split("=", 2)).forEach(kv -> selector.put(kv[0], kv[1]));
        assertEquals(podLabels(), selector);
        JsonNode keep = job.path("relabel_configs").get(0);
        assertEquals("keep", keep.path("action").asText());
        assertEquals(List.of("__meta_kubernetes_pod_container_port_name"), List.of(keep.path("source_labels").get(0).asText()));
        assertEquals(container().getPorts().get(0).getName(), keep.path("regex").asText());
        Map<String, String> targets = new HashMap<>();
        job.path("relabel_configs").forEach(r -> targets.put(r.path("target_label").asText(), r.path("source_labels").path(0).asText()));
        assertEquals("__meta_kubernetes_pod_node_name", targets.get("instance"));
        assertEquals("__meta_kubernetes_pod_node_name", targets.get("node"));
    }

    /**
     * Debian's Prometheus is built without Kubernetes service discovery, so promtool checks the
     * config with the SD block swapped for a static target: everything else (relabelling, intervals,
     * the rule file it loads) is checked as written. The SD block is checked structurally above.
     */
    @Test
    void promtoolChecksTheScrapeConfig(@TempDir Path tmp) throws IOException {
        ObjectNode config = (ObjectNode) Yaml.document(SCRAPE_CONFIG);
        ArrayNode ruleFiles = config.putArray("rule_files");
        Yaml.document(SCRAPE_CONFIG).path("rule_files").forEach(
                f -> ruleFiles.add(SCRAPE_CONFIG.getParent().resolve(f.asText()).normalize().toString()));
        for (JsonNode job : config.path("scrape_configs")) {
            ((ObjectNode) job).remove("kubernetes_sd_configs");
            ((ObjectNode) job).putArray("static_configs").addObject().putArray("targets").add("127.0.0.1:9477");
        }
        Path file = tmp.resolve("prometheus.yml");
        Files.writeString(file, Yaml.write(config));
        Processes.Result r = Promtool.run(tmp, "check", "config", file.toString());
        assertTrue(r.ok(), "promtool check config failed:\n" + r.output());
        assertTrue(r.output().contains("ioguard-rules.yml"), "the config must load ioguard's rules:\n" + r.output());
    }

    @Test
    void theExporterDownAlertWatchesTheScrapeJob() {
        JsonNode alert = AlertRules.alerts().stream()
                .filter(a -> a.get("alert").asText().equals("IoguardExporterDown")).findFirst().orElseThrow();
        assertTrue(alert.get("expr").asText().contains("up{job=\"ioguard\"}"), alert.get("expr").asText());
    }
}
