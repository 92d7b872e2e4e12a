package dev.ioguard.exporter.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import org.junit.jupiter.api.Test;

/** The schema check itself: it must reject what the API server would reject. */
class StrictKubernetesTest {
    private static ObjectNode baseDaemonSet() {
        return (ObjectNode) Yaml.document(ProjectRoot.resolve("deploy/kubernetes/base/daemonset.yaml"));
    }

    private static ObjectNode container(ObjectNode daemonSet) {
        return (ObjectNode) daemonSet.path("spec").path("template").path("spec").path("containers").get(0);
    }

    @Test
    void theShippedDaemonSetBinds() {
        DaemonSet ds = StrictKubernetes.parse(baseDaemonSet(), DaemonSet.class);
        assertEquals("ioguard", ds.getSpec().getTemplate().getSpec().getContainers().get(0).getName());
    }

    @Test
    void aMisspelledFieldDeepInsideFails() {
        ObjectNode ds = baseDaemonSet();
        ((ObjectNode) container(ds).path("securityContext")).put("readOnlyRootFileSystem", true);
        var e = assertThrows(StrictKubernetes.SchemaException.class, () -> StrictKubernetes.parse(ds));
        assertTrue(e.getMessage().contains("securityContext.readOnlyRootFileSystem"), e.getMessage());
    }

    @Test
    void anUnknownTopLevelSpecFieldFails() {
        ObjectNode ds = baseDaemonSet();
        ((ObjectNode) ds.path("spec")).put("replicas", 3);
        var e = assertThrows(StrictKubernetes.SchemaException.class, () -> StrictKubernetes.parse(ds));
        assertTrue(e.getMessage().contains("spec.replicas"), e.getMessage());
    }

    @Test
    void aScalarOfTheWrongTypeFails() {
        ObjectNode ds = baseDaemonSet();
        ((ObjectNode) container(ds).path("ports").get(0)).put("containerPort", "metrics");
        assertThrows(StrictKubernetes.SchemaException.class, () -> StrictKubernetes.parse(ds));
    }

    @Test
    void aStringWhereTheApiWantsAnIntegerFails() {
        ObjectNode ds = baseDaemonSet();
        ((ObjectNode) container(ds).path("ports").get(0)).put("containerPort", "9477");
        assertThrows(StrictKubernetes.SchemaException.class, () -> StrictKubernetes.parse(ds));
    }

    @Test
    void aListWhereTheApiWantsAnObjectFails() {
        ObjectNode ds = baseDaemonSet();
        container(ds).putArray("securityContext").add("privileged");
        assertThrows(StrictKubernetes.SchemaException.class, () -> StrictKubernetes.parse(ds));
    }

    @Test
    void aKindDeployDoesNotShipFails() {
        ObjectNode ds = baseDaemonSet();
        ds.put("kind", "Deployment");
        var e = assertThrows(StrictKubernetes.SchemaException.class, () -> StrictKubernetes.parse(ds));
        assertTrue(e.getMessage().contains("apps/v1/Deployment"), e.getMessage());
    }

    @Test
    void anUnknownFieldInAServiceMonitorEndpointFails() {
        ObjectNode sm = (ObjectNode) Yaml.document(ProjectRoot.resolve("deploy/kubernetes/base/servicemonitor.yaml"));
        StrictKubernetes.parse(sm);
        ((ObjectNode) sm.path("spec").path("endpoints").get(0)).put("scrapeInterval", "15s");
        var e = assertThrows(StrictKubernetes.SchemaException.class, () -> StrictKubernetes.parse(sm));
        assertTrue(e.getMessage().contains("scrapeInterval"), e.getMessage());
    }

    @Test
    void anUnknownFieldInAnAlertRuleFails() {
        ObjectNode rule = (ObjectNode) Yaml.document(ProjectRoot.resolve("deploy/kubernetes/base/prometheusrule.yaml"));
        ((ObjectNode) rule.path("spec").path("groups").get(1).path("rules").get(0)).put("severity", "critical");
        var e = assertThrows(StrictKubernetes.SchemaException.class, () -> StrictKubernetes.parse(rule));
        assertTrue(e.getMessage().contains("severity"), e.getMessage());
    }
}
