package dev.ioguard.exporter.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.DynamicContainer.dynamicContainer;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import dev.ioguard.exporter.testsupport.ExporterProcess;
import dev.ioguard.exporter.testsupport.KernelAssumptions;
import dev.ioguard.exporter.testsupport.KernelMatrix;
import dev.ioguard.exporter.testsupport.ProjectFiles;
import dev.ioguard.exporter.testsupport.Root;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.TestFactory;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * The kernel matrix: tests/kernels/run.sh boots each kernel of tests/kernels/kernels.list (Debian's
 * 6.1, cloud and generic) under QEMU and runs the tests tagged {@link KernelMatrix#TAG} inside.
 * Reported per kernel and per test: each kernel is a container whose first test is that the guest
 * booted, ran every tagged test and powered off, followed by one test per guest test.
 *
 * <p>{@code IOGUARD_KERNELS} picks kernels by name (','-separated; default all); {@code none}
 * turns the matrix off, which is a skip (a failure under {@code CI=true}, like a missing QEMU).
 */
class KernelMatrixIT {
    /**
     * Time limits: building (about 15 s the first time, downloads included) and each kernel's
     * guest (175 to 210 s with nine tests, measured on a shared 2-core machine), with room for a
     * loaded machine while two stuck kernels still end within 13 minutes.
     */
    private static final long BUILD_SECONDS = 120;
    private static final long KERNEL_SECONDS = 330;

    @TestFactory
    Stream<DynamicNode> everyKernelBootsAndPassesTheKernelTests() throws Exception {
        Root.require();
        String selected = System.getenv().getOrDefault("IOGUARD_KERNELS", "").strip();
        KernelAssumptions.require(!selected.equals("none"), "IOGUARD_KERNELS=none turned the kernel matrix off");
        for (String program : List.of("qemu-system-x86_64", "busybox", "cpio", "apt-get", "dpkg-deb",
                "depmod", "modprobe", "mkfs.ext4")) {
            KernelAssumptions.requireProgram(program);
        }
        Path root = ProjectFiles.root();
        Path jar = ExporterProcess.jar();
        Path out = jar.getParent().resolve("kernels");
        List<String> names = selected.isEmpty() ? kernelsListed(root) : Arrays.asList(selected.split(","));

        List<String> command = new ArrayList<>(List.of(root.resolve("tests/kernels/run.sh").toString(),
                "--jar", jar.toString(), "--classpath", testClasspath(), "--out", out.toString(),
                "--time-limit", Long.toString(KERNEL_SECONDS)));
        command.addAll(names);
        int exit = run(command, BUILD_SECONDS + KERNEL_SECONDS * names.size());

        Set<String> expected = taggedTests();
        List<DynamicNode> kernels = new ArrayList<>();
        for (String name : names) {
            GuestRun run = GuestRun.read(name, out.resolve(name));
            System.out.println("kernel matrix: " + run.summary());
            List<DynamicNode> tests = new ArrayList<>();
            tests.add(dynamicTest("boots, runs every " + KernelMatrix.TAG + " test and powers off", () -> {
                Set<String> ran = new TreeSet<>(run.tests().stream().map(GuestRun.Outcome::test).toList());
                assertTrue(run.completed(), run.summary() + "; see " + out.resolve(name).resolve("console.log"));
                assertEquals(expected, ran, "the tests that ran in the guest");
            }));
            for (GuestRun.Outcome t : run.tests()) {
                tests.add(dynamicTest(t.test(), () -> {
                    if (!t.passed()) {
                        fail(t.status() + " on " + name + " (" + run.boot().getOrDefault("release", "?") + "): "
                                + t.message() + "\n" + String.join("\n", t.trace()));
                    }
                }));
            }
            kernels.add(dynamicContainer(name + " " + run.boot().getOrDefault("release", ""), tests.stream()));
        }
        kernels.add(dynamicTest("run.sh exits 0 when every kernel passed", () -> assertEquals(0, exit,
                "tests/kernels/run.sh exit status")));
        return kernels.stream();
    }

    private static List<String> kernelsListed(Path root) throws Exception {
        return Files.readAllLines(root.resolve("tests/kernels/kernels.list")).stream()
                .filter(l -> !l.isBlank() && !l.startsWith("#")).map(l -> l.strip().split("\\s+")[0]).toList();
    }

    /** Test classes and classes (failsafe's properties), then the dependencies Maven resolved. */
    private static String testClasspath() throws Exception {
        String dirs = System.getProperty("ioguard.test.classpath");
        String file = System.getProperty("ioguard.test.classpath.file");
        if (dirs == null || file == null) {
            throw new IllegalStateException("ioguard.test.classpath(.file) not set; run through `mvn verify`");
        }
        return dirs + ":" + Files.readString(Path.of(file)).strip();
    }

    /** What the guest must run: the tests the same selection finds here. */
    private static Set<String> taggedTests() {
        TestPlan plan = LauncherFactory.create().discover(GuestTestRunner.request("tag:" + KernelMatrix.TAG));
        Set<String> names = new TreeSet<>();
        for (TestIdentifier root : plan.getRoots()) {
            for (TestIdentifier id : plan.getDescendants(root)) {
                if (id.isTest()) {
                    names.add(GuestTestRunner.name(id));
                }
            }
        }
        return names;
    }

    private static int run(List<String> command, long timeoutSeconds) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        Thread pump = Thread.ofPlatform().daemon().start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
                    StandardCharsets.UTF_8))) {
                r.lines().forEach(System.out::println);
            } catch (java.io.IOException e) {
                // the harness ended
            }
        });
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroy);
            p.destroy();
            p.waitFor(30, TimeUnit.SECONDS);
            throw new AssertionError("tests/kernels/run.sh did not finish within " + timeoutSeconds + " s");
        }
        pump.join(5000);
        return p.exitValue();
    }
}
