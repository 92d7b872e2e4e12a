package dev.ioguard.exporter.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Quantity;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.IntSupplier;

/**
 * Turns a rendered DaemonSet into the {@code podman run} flags that give one container what the pod
 * would get on a node: user, capabilities, privilege escalation, read-only root, seccomp profile,
 * host namespaces, host mounts, in-memory volumes, environment, ports and limits. What the image
 * test runs is thus what {@code deploy/} declares.
 *
 * <p>Every field of the pod spec and of the container is either translated or named here as
 * irrelevant to what runs in the container (scheduling, identity, probes); any other field fails
 * the translation, so that a privilege added to the DaemonSet cannot go untested by being ignored.
 *
 * <p>Seccomp: {@code RuntimeDefault} adds no flag, so podman applies its default profile, the
 * containers-common profile that CRI-O uses too; {@code Localhost} profiles are read from
 * {@code deploy/seccomp}, where ioguard ships its own.
 *
 * <p>Stateless; safe from any thread.
 */
final class DaemonSetPodman {
    /** Pod spec fields that do not change what runs inside the container. */
    private static final Set<String> POD_IGNORED = Set.of("serviceAccountName", "priorityClassName",
            "tolerations", "nodeSelector", "affinity");
    private static final Set<String> POD_TRANSLATED = Set.of("containers", "volumes", "securityContext",
            "hostPID", "hostIPC", "hostNetwork", "automountServiceAccountToken", "enableServiceLinks",
            "terminationGracePeriodSeconds");
    private static final Set<String> POD_SECURITY = Set.of("seccompProfile", "runAsUser", "runAsGroup",
            "runAsNonRoot");
    /** Container fields that do not change what runs: the image is the one under test; probes are the test's. */
    private static final Set<String> CONTAINER_IGNORED = Set.of("name", "image", "imagePullPolicy",
            "livenessProbe", "readinessProbe");
    private static final Set<String> CONTAINER_TRANSLATED = Set.of("command", "args", "ports", "env",
            "securityContext", "volumeMounts", "resources", "startupProbe");
    private static final Set<String> CONTAINER_SECURITY = Set.of("runAsUser", "runAsGroup", "runAsNonRoot",
            "privileged", "allowPrivilegeEscalation", "readOnlyRootFilesystem", "capabilities", "seccompProfile");
    private static final List<String> SECURITY_ANNOTATION_PREFIXES = List.of(
            "container.apparmor.security.beta.kubernetes.io/", "seccomp.security.alpha.kubernetes.io/",
            "container.seccomp.security.alpha.kubernetes.io/");

    /**
     * A translation.
     *
     * @param flags         for {@code podman run}, before the image
     * @param args          after the image (the container's {@code args})
     * @param ports         container port to the host port it is published on (127.0.0.1)
     * @param startupBudget what the startup probe allows before the kubelet gives up
     * @param stopTimeout   the termination grace period
     * @param capabilities  the capabilities the container adds, without {@code CAP_}
     */
    record Translation(List<String> flags, List<String> args, Map<Integer, Integer> ports,
            Duration startupBudget, Duration stopTimeout, List<String> capabilities) {
    }

    /**
     * What the pod gets from its node and the API server.
     *
     * @param seccompDir where Localhost profiles are ({@code deploy/seccomp})
     * @param nodeName   the value of {@code spec.nodeName}
     * @param freePort   a free TCP port on the host for each published container port
     * @param checkHostPaths whether a typed hostPath must exist on this host, as the kubelet checks
     */
    record Node(Path seccompDir, String nodeName, IntSupplier freePort, boolean checkHostPaths) {
    }

    private DaemonSetPodman() {
    }

    /** The translation of the DaemonSet's only container; fails on anything it does not translate. */
    static Translation translate(JsonNode daemonSet, Node node) {
        require("DaemonSet".equals(daemonSet.path("kind").asText()), "not a DaemonSet: " + daemonSet.path("kind"));
        JsonNode template = daemonSet.path("spec").path("template");
        for (Iterator<String> it = template.path("metadata").path("annotations").fieldNames(); it.hasNext(); ) {
            String annotation = it.next();
            for (String prefix : SECURITY_ANNOTATION_PREFIXES) {
                require(!annotation.startsWith(prefix), "security annotation " + annotation + " is not translated");
            }
        }
        JsonNode pod = template.path("spec");
        checkFields("pod spec", pod, POD_TRANSLATED, POD_IGNORED);
        checkFields("pod securityContext", pod.path("securityContext"), POD_SECURITY, Set.of());
        require(pod.path("containers").size() == 1, "one container expected, found " + pod.path("containers").size());
        JsonNode container = pod.path("containers").get(0);
        checkFields("container", container, CONTAINER_TRANSLATED, CONTAINER_IGNORED);
        JsonNode security = container.path("securityContext");
        checkFields("container securityContext", security, CONTAINER_SECURITY, Set.of());

        List<String> flags = new ArrayList<>();
        // The kubelet mounts a token unless told not to, and adds service environment variables.
        require(!pod.path("automountServiceAccountToken").asBoolean(true),
                "automountServiceAccountToken must be false: a token mount is not translated");
        require(!pod.path("enableServiceLinks").asBoolean(true),
                "enableServiceLinks must be false: service variables are not translated");

        namespaces(pod, flags);
        user(pod.path("securityContext"), security, flags);
        if (security.path("privileged").asBoolean(false)) {
            flags.add("--privileged");
        }
        if (!security.path("allowPrivilegeEscalation").asBoolean(true)) {
            flags.add("--security-opt=no-new-privileges");
        }
        if (security.path("readOnlyRootFilesystem").asBoolean(false)) {
            // podman would otherwise mount writable tmpfs on /tmp, /var/tmp and /run; the kubelet does not.
            flags.add("--read-only");
            flags.add("--read-only-tmpfs=false");
        }
        List<String> added = capabilities(security.path("capabilities"), flags);
        JsonNode seccomp = security.has("seccompProfile") ? security.path("seccompProfile")
                : pod.path("securityContext").path("seccompProfile");
        seccomp(seccomp, node.seccompDir(), flags);
        volumes(pod, container, node.checkHostPaths(), flags);
        environment(container, node.nodeName(), flags);
        Map<Integer, Integer> ports = ports(pod, container, node.freePort(), flags);
        limits(container.path("resources"), flags);
        if (container.has("command")) {
            flags.add("--entrypoint=" + container.get("command").toString());
        }
        List<String> args = new ArrayList<>();
        container.path("args").forEach(a -> args.add(a.asText()));
        JsonNode startup = container.path("startupProbe");
        Duration budget = Duration.ofSeconds(startup.path("initialDelaySeconds").asLong(0)
                + startup.path("periodSeconds").asLong(10) * startup.path("failureThreshold").asLong(3));
        Duration stop = Duration.ofSeconds(pod.path("terminationGracePeriodSeconds").asLong(30));
        return new Translation(List.copyOf(flags), List.copyOf(args), Map.copyOf(ports), budget, stop,
                List.copyOf(added));
    }

    /** A copy of the DaemonSet whose container does not add this capability (without {@code CAP_}). */
    static ObjectNode withoutCapability(ObjectNode daemonSet, String capability) {
        ObjectNode copy = daemonSet.deepCopy();
        JsonNode add = copy.path("spec").path("template").path("spec").path("containers").path(0)
                .path("securityContext").path("capabilities").path("add");
        require(add.isArray(), "the container adds no capabilities");
        ArrayNode list = (ArrayNode) add;
        for (int i = 0; i < list.size(); i++) {
            if (list.get(i).asText().equals(capability)) {
                list.remove(i);
                return copy;
            }
        }
        throw new IllegalArgumentException("the container does not add " + capability);
    }

    private static void namespaces(JsonNode pod, List<String> flags) {
        // Absent or false: the pod's own namespaces, which podman gives every container by default.
        if (pod.path("hostPID").asBoolean(false)) {
            flags.add("--pid=host");
        }
        if (pod.path("hostIPC").asBoolean(false)) {
            flags.add("--ipc=host");
        }
        if (pod.path("hostNetwork").asBoolean(false)) {
            flags.add("--network=host");
        }
    }

    private static void user(JsonNode podSecurity, JsonNode security, List<String> flags) {
        JsonNode uid = security.has("runAsUser") ? security.get("runAsUser") : podSecurity.get("runAsUser");
        JsonNode gid = security.has("runAsGroup") ? security.get("runAsGroup") : podSecurity.get("runAsGroup");
        boolean nonRoot = security.has("runAsNonRoot") ? security.get("runAsNonRoot").asBoolean()
                : podSecurity.path("runAsNonRoot").asBoolean(false);
        if (uid != null) {
            require(!(nonRoot && uid.asLong() == 0), "runAsNonRoot with runAsUser 0: the kubelet refuses to start it");
            flags.add("--user=" + uid.asLong() + (gid == null ? "" : ":" + gid.asLong()));
        } else {
            require(gid == null, "runAsGroup without runAsUser is not translated");
            require(!nonRoot, "runAsNonRoot without runAsUser is not translated (depends on the image's user)");
        }
    }

    private static List<String> capabilities(JsonNode capabilities, List<String> flags) {
        checkFields("capabilities", capabilities, Set.of("add", "drop"), Set.of());
        for (JsonNode drop : capabilities.path("drop")) {
            flags.add("--cap-drop=" + drop.asText());
        }
        List<String> added = new ArrayList<>();
        for (JsonNode add : capabilities.path("add")) {
            flags.add("--cap-add=" + add.asText());
            added.add(add.asText());
        }
        return added;
    }

    private static void seccomp(JsonNode profile, Path seccompDir, List<String> flags) {
        String type = profile.path("type").asText("RuntimeDefault");
        switch (type) {
            case "RuntimeDefault" -> { } // podman's default: containers-common's, as CRI-O's
            case "Unconfined" -> flags.add("--security-opt=seccomp=unconfined");
            case "Localhost" -> {
                Path file = seccompDir.resolve(profile.path("localhostProfile").asText()).normalize();
                require(file.startsWith(seccompDir) && Files.isRegularFile(file),
                        "Localhost seccomp profile " + profile.path("localhostProfile") + " is not in " + seccompDir);
                flags.add("--security-opt=seccomp=" + file);
            }
            default -> throw new IllegalArgumentException("seccompProfile type " + type + " is not translated");
        }
    }

    private static void volumes(JsonNode pod, JsonNode container, boolean checkHostPaths, List<String> flags) {
        Map<String, JsonNode> volumes = new HashMap<>();
        for (JsonNode v : pod.path("volumes")) {
            volumes.put(v.path("name").asText(), v);
        }
        for (JsonNode m : container.path("volumeMounts")) {
            checkFields("volumeMount", m, Set.of("name", "mountPath", "readOnly", "mountPropagation"), Set.of());
            JsonNode v = volumes.get(m.path("name").asText());
            require(v != null, "volumeMount " + m.path("name") + " has no volume");
            String target = m.path("mountPath").asText();
            boolean readOnly = m.path("readOnly").asBoolean(false);
            if (v.has("hostPath")) {
                checkFields("volume " + v.path("name"), v, Set.of("name", "hostPath"), Set.of());
                String path = v.path("hostPath").path("path").asText();
                String type = v.path("hostPath").path("type").asText("");
                boolean present = switch (type) {
                    case "" -> true;
                    case "Directory" -> !checkHostPaths || Files.isDirectory(Path.of(path));
                    case "File" -> !checkHostPaths || Files.isRegularFile(Path.of(path));
                    default -> throw new IllegalArgumentException("hostPath type " + type + " is not translated");
                };
                require(present, "hostPath " + path + " is not a " + type + " on this host: the kubelet would not start the pod");
                String propagation = switch (m.path("mountPropagation").asText("None")) {
                    case "None" -> "rprivate";
                    case "HostToContainer" -> "rslave";
                    case "Bidirectional" -> "rshared";
                    default -> throw new IllegalArgumentException("mountPropagation " + m.path("mountPropagation"));
                };
                flags.add("--volume=" + path + ":" + target + ":" + (readOnly ? "ro" : "rw") + "," + propagation);
            } else if (v.has("emptyDir")) {
                checkFields("volume " + v.path("name"), v, Set.of("name", "emptyDir"), Set.of());
                require("Memory".equals(v.path("emptyDir").path("medium").asText()),
                        "only in-memory emptyDir volumes are translated: " + v);
                require(!readOnly, "a read-only emptyDir is not translated");
                String size = v.path("emptyDir").has("sizeLimit")
                        ? ",size=" + Quantity.getAmountInBytes(new Quantity(v.path("emptyDir").path("sizeLimit").asText()))
                                .toBigIntegerExact()
                        : "";
                // The kubelet mounts a tmpfs, mode 0777, without noexec, and binds it in.
                flags.add("--tmpfs=" + target + ":rw,exec,mode=0777" + size);
            } else {
                throw new IllegalArgumentException("volume " + v.path("name") + " is of a type not translated: " + v);
            }
        }
    }

    private static void environment(JsonNode container, String nodeName, List<String> flags) {
        for (JsonNode e : container.path("env")) {
            String name = e.path("name").asText();
            if (e.has("value")) {
                flags.add("--env=" + name + "=" + e.get("value").asText());
            } else {
                String field = e.path("valueFrom").path("fieldRef").path("fieldPath").asText();
                require("spec.nodeName".equals(field), "env " + name + " from " + e.path("valueFrom") + " is not translated");
                flags.add("--env=" + name + "=" + nodeName);
            }
        }
    }

    private static Map<Integer, Integer> ports(JsonNode pod, JsonNode container, IntSupplier freePort,
            List<String> flags) {
        Map<Integer, Integer> ports = new LinkedHashMap<>();
        boolean hostNetwork = pod.path("hostNetwork").asBoolean(false);
        for (JsonNode p : container.path("ports")) {
            checkFields("port", p, Set.of("name", "containerPort", "protocol"), Set.of());
            require("TCP".equals(p.path("protocol").asText("TCP")), "only TCP ports are translated");
            int port = p.path("containerPort").asInt();
            if (hostNetwork) {
                ports.put(port, port);
            } else {
                int host = freePort.getAsInt();
                flags.add("--publish=127.0.0.1:" + host + ":" + port + "/tcp");
                ports.put(port, host);
            }
        }
        return ports;
    }

    private static void limits(JsonNode resources, List<String> flags) {
        checkFields("resources", resources, Set.of("limits", "requests"), Set.of());
        // Requests only place the pod; limits are what the container runs under.
        JsonNode limits = resources.path("limits");
        checkFields("limits", limits, Set.of("cpu", "memory"), Set.of());
        if (limits.has("memory")) {
            flags.add("--memory=" + Quantity.getAmountInBytes(new Quantity(limits.get("memory").asText()))
                    .toBigIntegerExact());
        }
        if (limits.has("cpu")) {
            BigDecimal cores = Quantity.getAmountInBytes(new Quantity(limits.get("cpu").asText()));
            flags.add("--cpus=" + cores.stripTrailingZeros().toPlainString());
        }
    }

    private static void checkFields(String where, JsonNode node, Set<String> translated, Set<String> ignored) {
        Set<String> unknown = new TreeSet<>();
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (!translated.contains(field) && !ignored.contains(field)) {
                unknown.add(field);
            }
        }
        require(unknown.isEmpty(), where + ": " + unknown + " not translated into podman flags;"
                + " extend DaemonSetPodman so that the image test runs what is deployed");
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }
}
