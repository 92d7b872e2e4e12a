package dev.ioguard.exporter.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectPackage;

import dev.ioguard.exporter.testsupport.KernelMatrix;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.discovery.ClassNameFilter;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * Every end-to-end test (package e2e) runs on every kernel of the matrix, unless it is listed here
 * (by class, or by {@code Class#method}) with the reason it cannot or does not yet: a new test that
 * is neither tagged nor listed fails this test, and so does a listed one that got tagged, so that
 * kernel coverage is a decision, not an accident.
 */
class KernelMatrixCoverageTest {
    /** End-to-end tests that stay off the kernel matrix, and why. */
    static final Map<String, String> NOT_ON_THE_MATRIX = Map.of(
            "BlockSaturationIT", "needs cgroup v1 blkio throttling on the host disk and a bpftrace oracle,"
                    + " which the guests have neither of",
            "BlockMetricsIT", "fio at full speed and zram; the same diskstats exactness runs on every kernel"
                    + " in BlockAndFilesystemIT, at a rate TCG sustains",
            "OtlpExportIT", "OTLP export is user space only: no kernel difference to find",
            "BlockClassicTracepointsIT#countsEqualDiskstatsOnALoopDeviceAndOnZram", "fio at full speed and"
                    + " zram, as BlockMetricsIT; the classic programs run on every kernel in"
                    + " #withoutKernelBtfAutoFallsBackToClassicTracepoints",
            "BlockClassicTracepointsIT#serviceTimeSumsAgreeWithAnIndependentTracer",
            "needs a bpftrace oracle, which the guests do not have",
            "PrometheusEndToEndIT", "a real Prometheus server scraping and evaluating rules: user space only,"
                    + " and no Prometheus in the guests");

    @Test
    void everyEndToEndTestIsOnTheKernelMatrixOrListedWithAReason() {
        TestPlan plan = LauncherFactory.create().discover(LauncherDiscoveryRequestBuilder.request()
                .selectors(selectPackage("dev.ioguard.exporter.e2e"))
                .filters(ClassNameFilter.includeClassNamePatterns(".*IT")).build());
        Set<String> tagged = new TreeSet<>();
        Set<String> untaggedButListed = new TreeSet<>();
        Set<String> unaccounted = new TreeSet<>();
        for (TestIdentifier root : plan.getRoots()) {
            for (TestIdentifier id : plan.getDescendants(root)) {
                if (!(id.getSource().orElse(null) instanceof MethodSource m) || !id.isTest()) {
                    continue;
                }
                String cls = m.getJavaClass().getSimpleName();
                String method = cls + "#" + m.getMethodName();
                if (id.getTags().stream().anyMatch(t -> t.getName().equals(KernelMatrix.TAG))) {
                    tagged.add(method);
                } else if (NOT_ON_THE_MATRIX.containsKey(method)) {
                    untaggedButListed.add(method);
                } else if (NOT_ON_THE_MATRIX.containsKey(cls)) {
                    untaggedButListed.add(cls);
                } else {
                    unaccounted.add(method);
                }
            }
        }
        assertTrue(tagged.containsAll(Set.of(
                "BlockAndFilesystemIT#operationsEqualDiskstatsAndAnExt4ErrorIsAnEventWithinOneSecond",
                "FilesystemHealthIT#anXfsShutdownIsAShutdownEventAndReadOnly",
                "FilesystemHealthIT#anAdminRemountReadOnlyAndBackIsReportedWithWhoDidIt",
                "FilesystemHealthIT#anExt4ErrorIsOneReadOnlyEventWithinASecondNamingTheBindMountAndTheOverlay",
                "FilesystemHealthIT#anExt4ErrorUnderErrorsContinueIsAnErrorButNoRemount",
                "FilesystemHealthIT#anExporterStartedAfterTheFailureReportsItFromTheFirstScrape")),
                "tagged: " + tagged);
        assertEquals(Set.of(), unaccounted, "end-to-end tests without @Tag(KernelMatrix.TAG): tag each,"
                + " or list it in NOT_ON_THE_MATRIX with the reason it cannot run in a kernel-matrix guest");
        assertEquals(new TreeSet<>(NOT_ON_THE_MATRIX.keySet()), untaggedButListed,
                "NOT_ON_THE_MATRIX entries that no longer match an untagged test");
    }
}
