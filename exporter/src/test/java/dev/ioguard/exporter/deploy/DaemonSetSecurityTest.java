package dev.ioguard.exporter.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import java.io.IOException;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The DaemonSet runs with the least it needs, in every rendering, and exactly the capabilities that
 * deploy/README.md lists with their reasons.
 */
class DaemonSetSecurityTest {
    /** The capabilities the base adds: the documented minimum on Linux 5.11+. */
    private static final Set<String> BASE_CAPABILITIES = Set.of("BPF", "PERFMON");
    /** Host paths the pod may mount (read-only): the host's procfs and tracefs. */
    private static final Set<String> HOST_PATHS = Set.of("/proc", "/sys/kernel/tracing");

    private static DaemonSet daemonSet(DeployVariants.Variant v) {
        return StrictKubernetes.parse(v.only("DaemonSet"), DaemonSet.class);
    }

    private static PodSpec pod(DaemonSet ds) {
        return ds.getSpec().getTemplate().getSpec();
    }

    private static Container ioguard(DaemonSet ds) {
        List<Container> containers = pod(ds).getContainers();
        assertEquals(1, containers.size(), "one container");
        assertEquals("ioguard", containers.get(0).getName());
        return containers.get(0);
    }

    private static DeployVariants.Variant base() {
        return DeployVariants.all().get(0);
    }

    private static boolean isPrivilegedVariant(DeployVariants.Variant v) {
        return v.name().contains("privileged");
    }

    /** README's table: capability (without CAP_) to its "where" column. */
    private static Map<String, String> documentedCapabilities() throws IOException {
        Map<String, String> caps = new HashMap<>();
        Pattern row = Pattern.compile("^\\|\\s*`CAP_([A-Z_]+)`\\s*\\|([^|]+)\\|");
        for (String line : Files.readAllLines(ProjectRoot.resolve("deploy/README.md"))) {
            Matcher m = row.matcher(line);
            if (m.find()) {
                caps.put(m.group(1), m.group(2).strip());
            }
        }
        assertFalse(caps.isEmpty(), "deploy/README.md has no capability table (rows like | `CAP_BPF` | base | why |)");
        return caps;
    }

    @Test
    void theBaseAddsExactlyTheDocumentedCapabilitiesAndDropsTheRest() throws IOException {
        SecurityContext sc = ioguard(daemonSet(base())).getSecurityContext();
        assertEquals(List.of("ALL"), sc.getCapabilities().getDrop());
        assertEquals(BASE_CAPABILITIES, Set.copyOf(sc.getCapabilities().getAdd()));
        Set<String> documentedForBase = new TreeSet<>();
        documentedCapabilities().forEach((cap, where) -> {
            if (where.equals("base")) {
                documentedForBase.add(cap);
            }
        });
        assertEquals(new TreeSet<>(BASE_CAPABILITIES), documentedForBase,
                "deploy/README.md's capability table must list exactly the base's capabilities as 'base'");
    }

    @Test
    void everyCapabilityAnyRenderingAddsIsDocumentedForThatRendering() throws IOException {
        Map<String, String> documented = documentedCapabilities();
        for (DeployVariants.Variant v : DeployVariants.all()) {
            SecurityContext sc = ioguard(daemonSet(v)).getSecurityContext();
            if (sc.getCapabilities() == null) {
                assertTrue(Boolean.TRUE.equals(sc.getPrivileged()), v + ": no capabilities only when privileged");
                continue;
            }
            assertEquals(List.of("ALL"), sc.getCapabilities().getDrop(), v + ": drop ALL");
            for (String cap : sc.getCapabilities().getAdd()) {
                String where = documented.get(cap);
                assertNotNull(where, v + " adds CAP_" + cap + ", which deploy/README.md does not document");
                String component = v.components().isEmpty() ? "base" : "components/" + v.components().get(0).getFileName();
                assertTrue(where.equals("base") || where.contains(component),
                        v + " adds CAP_" + cap + " but deploy/README.md documents it only for: " + where);
            }
        }
    }

    @Test
    void nothingIsPrivilegedButThePrivilegedFallback() {
        for (DeployVariants.Variant v : DeployVariants.all()) {
            SecurityContext sc = ioguard(daemonSet(v)).getSecurityContext();
            if (isPrivilegedVariant(v)) {
                assertEquals(Boolean.TRUE, sc.getPrivileged(), v + " is the privileged fallback");
                continue;
            }
            assertEquals(Boolean.FALSE, sc.getPrivileged(), v + ": privileged must be false");
            assertEquals(Boolean.FALSE, sc.getAllowPrivilegeEscalation(), v + ": allowPrivilegeEscalation must be false");
        }
    }

    @Test
    void theRootFilesystemIsReadOnlyEverywhere() {
        for (DeployVariants.Variant v : DeployVariants.all()) {
            assertEquals(Boolean.TRUE, ioguard(daemonSet(v)).getSecurityContext().getReadOnlyRootFilesystem(), v.name());
        }
    }

    @Test
    void itRunsAsRootBecauseAddedCapabilitiesReachOnlyUidZero() {
        for (DeployVariants.Variant v : DeployVariants.all()) {
            SecurityContext sc = ioguard(daemonSet(v)).getSecurityContext();
            assertEquals(0L, sc.getRunAsUser(), v.name());
            assertEquals(Boolean.FALSE, sc.getRunAsNonRoot(), v.name());
        }
    }

    @Test
    void everyHostPathIsExpectedAndMountedReadOnly() {
        for (DeployVariants.Variant v : DeployVariants.all()) {
            DaemonSet ds = daemonSet(v);
            Map<String, String> hostPaths = new HashMap<>();
            for (Volume vol : pod(ds).getVolumes()) {
                if (vol.getHostPath() != null) {
                    hostPaths.put(vol.getName(), vol.getHostPath().getPath());
                }
            }
            assertEquals(HOST_PATHS, Set.copyOf(hostPaths.values()), v + ": host paths");
            for (VolumeMount m : ioguard(ds).getVolumeMounts()) {
                if (hostPaths.containsKey(m.getName())) {
                    assertEquals(Boolean.TRUE, m.getReadOnly(), v + ": host mount " + m.getName() + " must be read-only");
                    assertTrue(m.getMountPropagation() == null || m.getMountPropagation().equals("None")
                            || m.getMountPropagation().equals("HostToContainer"), v + ": no Bidirectional propagation");
                }
            }
        }
    }

    @Test
    void noHostNamespaces() {
        for (DeployVariants.Variant v : DeployVariants.all()) {
            PodSpec pod = pod(daemonSet(v));
            assertFalse(Boolean.TRUE.equals(pod.getHostPID()), v + ": hostPID (the mount table comes from /host/proc)");
            assertFalse(Boolean.TRUE.equals(pod.getHostNetwork()), v + ": hostNetwork");
            assertFalse(Boolean.TRUE.equals(pod.getHostIPC()), v + ": hostIPC");
        }
    }

    @Test
    void theBaseKeepsTheRuntimesSeccompProfile() {
        assertEquals("RuntimeDefault", pod(daemonSet(base())).getSecurityContext().getSeccompProfile().getType());
    }

    @Test
    void noApiTokenIsMounted() {
        assertEquals(Boolean.FALSE, pod(daemonSet(base())).getAutomountServiceAccountToken());
        assertEquals("ioguard", pod(daemonSet(base())).getServiceAccountName());
    }

    @Test
    void theNodeNameComesFromTheDownwardApi() {
        EnvVar node = ioguard(daemonSet(base())).getEnv().stream()
                .filter(e -> e.getName().equals("K8S_NODE_NAME")).findFirst().orElseThrow();
        assertEquals("spec.nodeName", node.getValueFrom().getFieldRef().getFieldPath());
    }

    @Test
    void itToleratesEveryTaint() {
        List<Toleration> tolerations = pod(daemonSet(base())).getTolerations();
        assertTrue(tolerations.stream().anyMatch(t -> "Exists".equals(t.getOperator()) && t.getKey() == null
                && t.getEffect() == null), "a toleration with operator Exists and no key or effect: " + tolerations);
    }

    @Test
    void probesUseTheMetricsPortReadinessOnHealthz() {
        Container c = ioguard(daemonSet(base()));
        assertEquals("/healthz", c.getReadinessProbe().getHttpGet().getPath());
        assertEquals("metrics", c.getReadinessProbe().getHttpGet().getPort().getStrVal());
        assertNotNull(c.getLivenessProbe().getHttpGet(), "liveness over HTTP");
        assertEquals("metrics", c.getLivenessProbe().getHttpGet().getPort().getStrVal());
        assertNotNull(c.getStartupProbe(), "a startup probe covers BPF loading");
        assertEquals(List.of("metrics"), c.getPorts().stream().map(p -> p.getName()).toList());
    }

    @Test
    void requestsAndLimitsCoverTheMeasuredFootprint() throws IOException {
        var resources = ioguard(daemonSet(base())).getResources();
        for (String r : List.of("cpu", "memory")) {
            Quantity request = resources.getRequests().get(r);
            Quantity limit = resources.getLimits().get(r);
            assertNotNull(request, "request " + r);
            assertNotNull(limit, "limit " + r);
            assertTrue(Quantity.getAmountInBytes(request).compareTo(Quantity.getAmountInBytes(limit)) <= 0,
                    r + ": request above limit");
        }
        // 91 MiB resident at idle, measured with the JVM bounds the image's entrypoint uses.
        assertTrue(Quantity.getAmountInBytes(resources.getRequests().get("memory"))
                .compareTo(java.math.BigDecimal.valueOf(91L << 20)) >= 0, "memory request below the measured 91 MiB");
        String text = Files.readString(ProjectRoot.resolve("deploy/kubernetes/base/daemonset.yaml"));
        assertTrue(text.contains("Measured"), "the resource figures must say what was measured");
    }
}
