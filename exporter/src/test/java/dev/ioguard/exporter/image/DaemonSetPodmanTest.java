package dev.ioguard.exporter.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ioguard.exporter.deploy.DeployedDaemonSet;
import dev.ioguard.exporter.testsupport.ProjectFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The DaemonSet's privileges become podman flags one for one; what is not translated fails loudly. */
class DaemonSetPodmanTest {
    private static final Path SECCOMP = ProjectFiles.root().resolve("deploy/seccomp");
    private static final DaemonSetPodman.Node NODE = new DaemonSetPodman.Node(SECCOMP, "node-a", () -> 20001, false);

    private static ObjectNode pod(ObjectNode daemonSet) {
        return (ObjectNode) daemonSet.path("spec").path("template").path("spec");
    }

    private static ObjectNode container(ObjectNode daemonSet) {
        return (ObjectNode) pod(daemonSet).path("containers").path(0);
    }

    @Test
    void theDeployedPodBecomesExactlyTheseFlags() {
        DaemonSetPodman.Translation t = DaemonSetPodman.translate(DeployedDaemonSet.render("seccomp-localhost"), NODE);
        assertEquals(List.of(
                "--user=0:0",
                "--security-opt=no-new-privileges",
                "--read-only",
                "--read-only-tmpfs=false",
                "--cap-drop=ALL",
                "--cap-add=BPF",
                "--cap-add=PERFMON",
                "--security-opt=seccomp=" + SECCOMP.resolve("ioguard.json"),
                "--volume=/proc:/host/proc:ro,rprivate",
                "--volume=/sys/kernel/tracing:/sys/kernel/tracing:ro,rprivate",
                "--tmpfs=/tmp:rw,exec,mode=0777,size=16777216",
                "--env=K8S_NODE_NAME=node-a",
                "--publish=127.0.0.1:20001:9477/tcp",
                "--memory=268435456",
                "--cpus=1"), t.flags());
        assertEquals(List.of("--web.listen-address=:9477", "--path.procfs=/host/proc"), t.args());
        assertEquals(Map.of(9477, 20001), t.ports());
        assertEquals(List.of("BPF", "PERFMON"), t.capabilities());
        assertEquals(Duration.ofSeconds(60), t.startupBudget());
        assertEquals(Duration.ofSeconds(30), t.stopTimeout());
    }

    @Test
    void runtimeDefaultLeavesTheRuntimesOwnProfile() {
        List<String> flags = DaemonSetPodman.translate(DeployedDaemonSet.render(), NODE).flags();
        assertTrue(flags.stream().noneMatch(f -> f.contains("seccomp")), flags.toString());
        flags = DaemonSetPodman.translate(DeployedDaemonSet.render("seccomp-unconfined"), NODE).flags();
        assertTrue(flags.contains("--security-opt=seccomp=unconfined"), flags.toString());
    }

    @Test
    void everyRenderingThatDeployShipsTranslates() throws IOException {
        try (Stream<Path> components = Files.list(ProjectFiles.root().resolve("deploy/kubernetes/components"))) {
            for (Path c : components.toList()) {
                DaemonSetPodman.Translation t = DaemonSetPodman.translate(
                        DeployedDaemonSet.render(c.getFileName().toString()), NODE);
                assertFalse(t.flags().isEmpty(), c.toString());
            }
        }
        List<String> privileged = DaemonSetPodman.translate(DeployedDaemonSet.render("privileged"), NODE).flags();
        assertTrue(privileged.contains("--privileged") && privileged.contains("--read-only"), privileged.toString());
    }

    @Test
    void aFieldThatIsNotTranslatedFailsInsteadOfBeingIgnored() {
        ObjectNode ds = DeployedDaemonSet.render("seccomp-localhost");
        pod(ds).put("shareProcessNamespace", true);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DaemonSetPodman.translate(ds, NODE));
        assertTrue(e.getMessage().contains("shareProcessNamespace"), e.getMessage());

        ObjectNode ds2 = DeployedDaemonSet.render("seccomp-localhost");
        ((ObjectNode) container(ds2).path("securityContext")).putObject("seLinuxOptions").put("type", "spc_t");
        e = assertThrows(IllegalArgumentException.class, () -> DaemonSetPodman.translate(ds2, NODE));
        assertTrue(e.getMessage().contains("seLinuxOptions"), e.getMessage());

        ObjectNode ds3 = DeployedDaemonSet.render("seccomp-localhost");
        ((ObjectNode) pod(ds3).path("volumes").path(0)).putObject("configMap").put("name", "x");
        assertThrows(IllegalArgumentException.class, () -> DaemonSetPodman.translate(ds3, NODE));
    }

    @Test
    void aHostPathMissingOnTheHostFailsAsTheKubeletWould() {
        ObjectNode ds = DeployedDaemonSet.render("seccomp-localhost");
        ((ObjectNode) pod(ds).path("volumes").path(0).path("hostPath")).put("path", "/nonexistent/ioguard");
        DaemonSetPodman.Node checking = new DaemonSetPodman.Node(SECCOMP, "node-a", () -> 20001, true);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DaemonSetPodman.translate(ds, checking));
        assertTrue(e.getMessage().contains("/nonexistent/ioguard"), e.getMessage());
    }

    @Test
    void withoutCapabilityRemovesOnlyThatOne() {
        ObjectNode ds = DeployedDaemonSet.render("seccomp-localhost");
        DaemonSetPodman.Translation t = DaemonSetPodman.translate(DaemonSetPodman.withoutCapability(ds, "BPF"), NODE);
        assertEquals(List.of("PERFMON"), t.capabilities());
        assertTrue(t.flags().contains("--cap-drop=ALL") && !t.flags().contains("--cap-add=BPF"), t.flags().toString());
        assertEquals(List.of("BPF", "PERFMON"), DaemonSetPodman.translate(ds, NODE).capabilities(), "the original is untouched");
        assertThrows(IllegalArgumentException.class, () -> DaemonSetPodman.withoutCapability(ds, "SYS_ADMIN"));
    }
}
