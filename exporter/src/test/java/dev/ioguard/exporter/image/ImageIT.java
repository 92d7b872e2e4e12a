package dev.ioguard.exporter.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ioguard.exporter.deploy.DeployedDaemonSet;
import dev.ioguard.exporter.mounts.MountInfo;
import dev.ioguard.exporter.mounts.MountTable;
import dev.ioguard.exporter.testsupport.Command;
import dev.ioguard.exporter.testsupport.DiskStats;
import dev.ioguard.exporter.testsupport.ExporterProcess;
import dev.ioguard.exporter.testsupport.KernelAssumptions;
import dev.ioguard.exporter.testsupport.LoopDevice;
import dev.ioguard.exporter.testsupport.Mount;
import dev.ioguard.exporter.testsupport.ProjectFiles;
import dev.ioguard.exporter.testsupport.PrometheusText;
import dev.ioguard.exporter.testsupport.Root;
import dev.ioguard.exporter.testsupport.Scrape;
import dev.ioguard.exporter.testsupport.Tracefs;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.spi.ToolProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The container image, built by the project's one command and run under podman with runc, with the
 * privileges that {@code deploy/} declares, translated by {@link DaemonSetPodman} from the rendered
 * DaemonSet rather than written here. The rendering is the base with
 * {@code components/seccomp-localhost}: podman applies the same default seccomp profile as CRI-O
 * (containers-common), which refuses bpf(2) without CAP_SYS_ADMIN, and that component is what
 * deploy/README.md prescribes for such runtimes. The base as it is gets the runtime's default and is
 * checked to fail with a message that says so.
 *
 * <p>From outside the container: /metrics for a loop device on the host equals the kernel's
 * /proc/diskstats, and an ext4 error raised on the host is an event line on the container's stdout.
 * Each capability the DaemonSet adds is shown to be needed, and the root filesystem is read-only.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ImageIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String NODE_NAME = "image-it-node";
    private static final int METRICS_PORT = 9477;
    private static final long SIZE_BUDGET_BYTES = 60L * 1000 * 1000;
    /** The deployed rendering for a runtime with containers-common's seccomp profile, as podman has. */
    private static final String[] DEPLOYED = {"seccomp-localhost"};
    /** Capability names by bit number (linux/capability.h), for reading /proc/PID/status. */
    private static final List<String> CAPABILITIES = List.of("CHOWN", "DAC_OVERRIDE", "DAC_READ_SEARCH", "FOWNER",
            "FSETID", "KILL", "SETGID", "SETUID", "SETPCAP", "LINUX_IMMUTABLE", "NET_BIND_SERVICE", "NET_BROADCAST",
            "NET_ADMIN", "NET_RAW", "IPC_LOCK", "IPC_OWNER", "SYS_MODULE", "SYS_RAWIO", "SYS_CHROOT", "SYS_PTRACE",
            "SYS_PACCT", "SYS_ADMIN", "SYS_BOOT", "SYS_NICE", "SYS_RESOURCE", "SYS_TIME", "SYS_TTY_CONFIG", "MKNOD",
            "LEASE", "AUDIT_WRITE", "AUDIT_CONTROL", "SETFCAP", "MAC_OVERRIDE", "MAC_ADMIN", "SYSLOG", "WAKE_ALARM",
            "BLOCK_SUSPEND", "AUDIT_READ", "PERFMON", "BPF", "CHECKPOINT_RESTORE");
    /** Filesystems that live in memory or the kernel: a writable mount of one writes no disk. */
    private static final Set<String> MEMORY_FILESYSTEMS = Set.of("proc", "sysfs", "tmpfs", "devpts", "mqueue",
            "cgroup", "cgroup2", "tracefs");

    private ImageBuild build;
    private String image;

    @BeforeAll
    void buildAndLoad() throws Exception {
        Root.require();
        KernelAssumptions.require(Files.isReadable(Path.of("/sys/kernel/btf/vmlinux")),
                "kernel has no BTF (/sys/kernel/btf/vmlinux)");
        for (String program : List.of("podman", "runc", "umoci", "skopeo", "jq", "readelf", "mkfs.ext4")) {
            KernelAssumptions.requireProgram(program);
        }
        Podman.removeLeftovers();
        build = ImageBuild.of(ExporterProcess.jar(), ExporterProcess.jar().resolveSibling("image-it"));
        long start = System.nanoTime();
        image = Podman.load(build.archive());
        System.out.printf("image: built in %.1f s, %s loaded in %.1f s%n", build.seconds(), image,
                (System.nanoTime() - start) / 1e9);
    }

    @AfterAll
    void removeImage() {
        if (image != null) {
            Podman.removeImage(image);
        }
    }

    @Test
    void theArchiveIsAnOciImageWithItsLabelsWithinTheSizeBudget() throws Exception {
        String version;
        try (JarFile jar = new JarFile(ExporterProcess.jar().toFile())) {
            version = jar.getManifest().getMainAttributes().getValue("Implementation-Version");
        }
        assertEquals("ioguard:" + version, build.refName());
        assertEquals("localhost/ioguard:" + version, image, "podman load names it after the archive's ref name");

        // skopeo reads the archive as a registry client would read the image.
        JsonNode inspect = JSON.readTree(Command.run("skopeo", "inspect", "oci-archive:" + build.archive()));
        JsonNode labels = inspect.path("Labels");
        assertEquals(version, labels.path("org.opencontainers.image.version").asText());
        String head = Command.run("git", "-C", ProjectFiles.root().toString(), "rev-parse", "HEAD").strip();
        assertTrue(labels.path("org.opencontainers.image.revision").asText().matches(head + "(-dirty)?"),
                labels.toString());
        String origin = Command.exec("git", "-C", ProjectFiles.root().toString(), "config", "--get",
                "remote.origin.url").output().strip();
        assertEquals(origin.isEmpty() ? "file://" + ProjectFiles.root() : origin,
                labels.path("org.opencontainers.image.source").asText());
        assertEquals("linux", inspect.path("Os").asText());
        assertEquals("amd64", inspect.path("Architecture").asText());

        JsonNode config = build.config().path("config");
        assertEquals("0:0", config.path("User").asText(), "runs as the DaemonSet's runAsUser");
        assertEquals("/opt/java/bin/java", config.path("Entrypoint").path(0).asText());
        assertTrue(config.path("Entrypoint").toString().contains("--enable-native-access=ALL-UNNAMED"));

        long bytes = build.compressedBytes();
        System.out.printf("image: %.1f MB compressed (%d layers)%n", bytes / 1e6, build.manifest().path("layers").size());
        assertTrue(bytes <= SIZE_BUDGET_BYTES, "image is " + bytes + " bytes compressed, over the 60 MB budget");

        List<String> files = build.files();
        for (String needed : List.of("opt/java/bin/java", "opt/java/lib/server/libjvm.so", "opt/ioguard/ioguard.jar",
                "usr/lib/x86_64-linux-gnu/libbpf.so.1", "usr/lib/x86_64-linux-gnu/libelf.so.1",
                "usr/lib/x86_64-linux-gnu/libz.so.1", "usr/lib/x86_64-linux-gnu/libc.so.6",
                "usr/lib64/ld-linux-x86-64.so.2", "usr/share/doc/libbpf1/copyright")) {
            assertTrue(files.contains(needed), "the image lacks " + needed);
        }
        for (String f : files) {
            assertFalse(f.matches("(usr/)?s?bin/.*") || f.matches(".*/(sh|bash|dash|busybox|apt|dpkg)"),
                    "the image needs no shell or package manager at run time, yet has " + f);
        }
        // Only the modules the jar uses: jdeps, as the build asked it.
        String modules = build.fileText("opt/java/release").lines().filter(l -> l.startsWith("MODULES="))
                .findFirst().orElseThrow().replaceAll("MODULES=|\"", "");
        assertEquals(new TreeSet<>(List.of(jdepsModules(ExporterProcess.jar()).split(","))),
                new TreeSet<>(List.of(modules.split(" "))), "the runtime's modules are the jar's");
    }

    @Test
    void underTheDeployedPrivilegesItMeasuresTheHostsDiskAndReportsItsExt4Error() throws Exception {
        ObjectNode deployed = DeployedDaemonSet.render(DEPLOYED);
        DaemonSetPodman.Translation run = translate(deployed);
        // The DaemonSet bind-mounts the node's tracefs (systemd nodes have it mounted); make it so.
        try (Tracefs tracefs = Tracefs.ensureMounted();
                LoopDevice loop = LoopDevice.create(64, false)) {
            loop.mkfs("ext4", "-E", "lazy_itable_init=0,lazy_journal_init=0");
            try (Mount mount = loop.mount("errors=remount-ro");
                    Podman.Container container = Podman.start(image, run)) {
                long started = System.nanoTime();
                assertTrue(container.awaitServing(METRICS_PORT, "/healthz", run.startupBudget()),
                        "not serving within the startup probe's " + run.startupBudget() + ": " + container.stderr());
                System.out.printf("image: serving %.1f s after podman run%n", (System.nanoTime() - started) / 1e9);
                HttpResponse<String> health = container.get(METRICS_PORT, "/healthz");
                assertEquals(200, health.statusCode(), health.body());
                assertTrue(health.body().startsWith("ok"), health.body());
                assertTrue(health.body().contains("live tp_btf/block_rq_issue"), health.body());
                assertTrue(health.body().contains("live tp_btf/ext4_error"), health.body());

                long pid = container.pid();
                runsWithExactlyTheDeployedPrivileges(pid, run.capabilities());
                theRootFilesystemIsReadOnlyAndNoDiskIsWritable(pid);

                String d = loop.name();
                Scrape.Metrics metrics = () -> container.get(METRICS_PORT, "/metrics").body();
                Scrape before = Scrape.whenIdle(metrics, List.of(d));
                Path file = mount.mountPoint().resolve("data");
                Command.run("dd", "if=/dev/zero", "of=" + file, "bs=64k", "count=160", "oflag=direct", "conv=fsync",
                        "status=none");
                Command.run("dd", "if=" + file, "of=/dev/null", "bs=16k", "count=400", "iflag=direct", "status=none");
                Command.run("sync", "-f", file.toString());
                Scrape after = Scrape.whenIdle(metrics, List.of(d));
                DiskStats kernel = after.disks().get(d).minus(before.disks().get(d));
                assertTrue(kernel.readsCompleted() >= 400 && kernel.writesCompleted() >= 160,
                        "the IO reached the device: " + kernel);
                assertEquals(kernel.readsCompleted(), after.ops(d, "read") - before.ops(d, "read"), "reads");
                assertEquals(kernel.writesCompleted(), after.ops(d, "write") - before.ops(d, "write"), "writes");
                assertEquals(kernel.sectorsWritten() * 512, after.bytes(d, "write") - before.bytes(d, "write"),
                        "bytes written");

                Files.writeString(Path.of("/sys/fs/ext4", d, "trigger_fs_error"), "1");
                long triggered = System.nanoTime();
                List<String> events = new ArrayList<>();
                String error = awaitEvent(container, events, "filesystem.error", d, Duration.ofSeconds(1));
                System.out.printf("image: ext4 error -> event line on the container's stdout in %d ms%n",
                        (System.nanoTime() - triggered) / 1_000_000);
                assertNotNull(error, "no filesystem.error event for " + d + " within 1 s; stdout " + events
                        + "; stderr: " + container.stderr());
                assertTrue(error.contains("\"dev\":\"" + loop.devNumber() + "\""), error);
                assertTrue(error.contains("\"node\":\"" + NODE_NAME + "\""), "the node name from the downward API: " + error);
                String text = metrics.get();
                assertEquals(1, PrometheusText.counter(text, "ioguard_filesystem_errors_total",
                        Map.of("system_device", d, "system_filesystem_type", "ext4")), "ext4 errors of " + d);
                readOnlyGaugeAndRemountEvent(container, metrics, events, loop, mount);
            }
        }
    }

    @Test
    void eachCapabilityTheDaemonSetAddsIsNeededAndNamedWhenMissing() throws Exception {
        ObjectNode deployed = DeployedDaemonSet.render(DEPLOYED);
        List<String> added = translate(deployed).capabilities();
        assertFalse(added.isEmpty(), "the DaemonSet adds capabilities");
        for (String capability : added) {
            DaemonSetPodman.Translation run = translate(DaemonSetPodman.withoutCapability(deployed, capability));
            try (Podman.Container container = Podman.start(image, run)) {
                String outcome = failureOrDegradation(container, run);
                assertTrue(outcome.contains("missing CAP_" + capability),
                        "without CAP_" + capability + " the exporter must say it is missing: " + outcome);
                for (String other : added) {
                    if (!other.equals(capability)) {
                        assertFalse(outcome.matches("(?s).*missing[ A-Z_]*CAP_" + other + "\\b.*"),
                                "CAP_" + other + " is there, yet reported missing: " + outcome);
                    }
                }
                System.out.println("image: without CAP_" + capability + ": " + outcome.strip().lines()
                        .filter(l -> l.contains("CAP_" + capability)).findFirst().orElse(outcome));
            }
        }
    }

    @Test
    void theBaseUnderThisRuntimesDefaultSeccompProfileFailsAndSaysWhy() throws Exception {
        DaemonSetPodman.Translation run = translate(DeployedDaemonSet.render());
        try (Podman.Container container = Podman.start(image, run)) {
            String outcome = failureOrDegradation(container, run);
            assertTrue(outcome.contains("seccomp") && outcome.contains("refuses bpf(2)"), outcome);
            assertFalse(outcome.contains("missing CAP_"), outcome);
        }
    }

    @Test
    void theShippedSeccompProfileIsThisRuntimesDefaultPlusTheBpfRules() throws Exception {
        Path runtimeDefault = Path.of("/usr/share/containers/seccomp.json");
        KernelAssumptions.require(Files.isRegularFile(runtimeDefault), "no " + runtimeDefault + " (containers-common)");
        String generated = Command.run(ProjectFiles.root().resolve("deploy/seccomp/generate.sh").toString(),
                runtimeDefault.toString());
        assertEquals(JSON.readTree(ProjectFiles.root().resolve("deploy/seccomp/ioguard.json").toFile()),
                JSON.readTree(generated), "deploy/seccomp/ioguard.json is stale: run deploy/seccomp/generate.sh");
    }

    private static DaemonSetPodman.Translation translate(JsonNode daemonSet) {
        return DaemonSetPodman.translate(daemonSet, new DaemonSetPodman.Node(
                ProjectFiles.root().resolve("deploy/seccomp"), NODE_NAME, ImageIT::freePort, true));
    }

    private static int freePort() {
        try {
            return ExporterProcess.freePort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * What the exporter said when it could not run: its stderr after it exited non-zero, or /healthz
     * when it serves degraded. Fails if it runs healthy.
     */
    private static String failureOrDegradation(Podman.Container container, DaemonSetPodman.Translation run)
            throws Exception {
        if (container.awaitServing(METRICS_PORT, "/healthz", run.startupBudget())) {
            HttpResponse<String> health = container.get(METRICS_PORT, "/healthz");
            assertNotEquals(200, health.statusCode(), "it runs healthy: " + health.body());
            return health.body() + "\n" + container.stderr();
        }
        Integer exit = container.awaitExit(Duration.ofSeconds(10));
        assertNotNull(exit, "neither serving nor exited: " + container.stderr());
        assertNotEquals(0, exit, container.stderr());
        return container.stderr();
    }

    /** The process's capability sets, no_new_privs, seccomp mode and uid are what the DaemonSet says. */
    private static void runsWithExactlyTheDeployedPrivileges(long pid, List<String> added) throws IOException {
        BigInteger expected = BigInteger.ZERO;
        for (String capability : added) {
            int bit = CAPABILITIES.indexOf(capability);
            assertTrue(bit >= 0, "unknown capability " + capability);
            expected = expected.setBit(bit);
        }
        String status = Files.readString(Path.of("/proc/" + pid + "/status"));
        for (String set : List.of("CapEff", "CapPrm", "CapBnd")) {
            assertEquals(expected, new BigInteger(field(status, set), 16), set + " of the container's process");
        }
        assertEquals(BigInteger.ZERO, new BigInteger(field(status, "CapAmb"), 16), "no ambient capabilities");
        assertEquals("1", field(status, "NoNewPrivs"), "allowPrivilegeEscalation: false");
        assertEquals("2", field(status, "Seccomp"), "a seccomp filter is in force");
        assertEquals("0", field(status, "Uid").split("\\s+")[1], "runAsUser: 0");
    }

    private static void theRootFilesystemIsReadOnlyAndNoDiskIsWritable(long pid) {
        MountTable mounts = MountTable.read(Path.of("/proc/" + pid + "/mountinfo"));
        MountInfo root = mounts.byMountPoint("/").orElseThrow();
        assertTrue(root.mountOptions().contains("ro"), "root filesystem: " + root);
        for (MountInfo m : mounts.all()) {
            assertTrue(m.mountOptions().contains("ro") || MEMORY_FILESYSTEMS.contains(m.fsType()),
                    "the container can write " + m.mountPoint() + " (" + m.fsType() + " " + m.source() + ")");
        }
    }

    /**
     * Reads the container's stdout into {@code events} until a line of this event for this device
     * arrives (returned) or the timeout passes (null).
     */
    private static String awaitEvent(Podman.Container container, List<String> events, String event, String device,
            Duration timeout) throws InterruptedException {
        for (String line : events) {
            if (isEvent(line, event, device)) {
                return line;
            }
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() - deadline < 0) {
            String line = container.nextStdoutLine(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
            if (line == null) {
                break;
            }
            events.add(line);
            if (isEvent(line, event, device)) {
                return line;
            }
        }
        return null;
    }

    private static boolean isEvent(String line, String event, String device) {
        return line.contains("\"event\":\"" + event + "\"") && line.contains("\"device\":\"" + device + "\"");
    }

    /**
     * The read-only gauge and the remount event, once the exporter has them (branch fs-health): the
     * loop device's mount is read-only under the mount point the host sees, the host's root is as
     * read-only as it is on the host (not as the container's read-only root is), and the remount is an
     * event. Until then this says so and checks nothing.
     */
    private static void readOnlyGaugeAndRemountEvent(Podman.Container container, Scrape.Metrics metrics,
            List<String> events, LoopDevice loop, Mount mount) throws Exception {
        String text = metrics.get();
        if (!text.contains("# TYPE ioguard_filesystem_readonly ")) {
            System.out.println("image: ioguard_filesystem_readonly is not in this build; its checks wait for it");
            return;
        }
        Map<String, String> series = Map.of("system_device", loop.name(),
                "system_filesystem_mountpoint", mount.mountPoint().toString());
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        OptionalDouble readOnly = PrometheusText.value(text, "ioguard_filesystem_readonly", series);
        while ((readOnly.isEmpty() || readOnly.getAsDouble() != 1) && System.nanoTime() - deadline < 0) {
            Thread.sleep(200);
            text = metrics.get();
            readOnly = PrometheusText.value(text, "ioguard_filesystem_readonly", series);
        }
        assertEquals(OptionalDouble.of(1), readOnly, "ioguard_filesystem_readonly" + series + " from the container");
        boolean hostRootReadOnly = MountTable.read(Path.of("/proc/1/mountinfo")).byMountPoint("/").orElseThrow()
                .mountOptions().contains("ro");
        OptionalDouble root = PrometheusText.value(text, "ioguard_filesystem_readonly",
                Map.of("system_filesystem_mountpoint", "/"));
        if (root.isPresent()) {
            assertEquals(hostRootReadOnly ? 1 : 0, root.getAsDouble(),
                    "the host's / as the host has it, not the container's read-only root");
        }
        String remount = awaitEvent(container, events, "filesystem.remount.readonly", loop.name(), Duration.ofSeconds(5));
        assertNotNull(remount, "no filesystem.remount.readonly event for " + loop.name() + ": " + events);
    }

    private static String field(String status, String name) {
        return status.lines().filter(l -> l.startsWith(name + ":")).findFirst()
                .orElseThrow(() -> new AssertionError("no " + name + " in /proc/PID/status"))
                .substring(name.length() + 1).strip();
    }

    private static String jdepsModules(Path jar) {
        ToolProvider jdeps = ToolProvider.findFirst("jdeps").orElseThrow(() -> new AssertionError("no jdeps"));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = jdeps.run(new PrintWriter(out), new PrintWriter(err), "--print-module-deps", "--ignore-missing-deps",
                "--multi-release", Integer.toString(Runtime.version().feature()), jar.toString());
        if (code != 0) {
            fail("jdeps failed: " + err);
        }
        return out.toString().strip();
    }
}
