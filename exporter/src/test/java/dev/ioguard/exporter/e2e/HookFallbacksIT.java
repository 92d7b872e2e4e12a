package dev.ioguard.exporter.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ioguard.exporter.testsupport.ExporterProcess;
import dev.ioguard.exporter.testsupport.KernelAssumptions;
import dev.ioguard.exporter.testsupport.KernelMatrix;
import dev.ioguard.exporter.testsupport.PrometheusText;
import dev.ioguard.exporter.testsupport.Root;
import dev.ioguard.exporter.testsupport.Tracefs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The CO-RE fallbacks, as the exporter reports them: for every hook that has a fallback, /healthz
 * and the self metric {@code ioguard_hook_live} name the one this kernel uses as live and the other
 * as not_used, and the choice matches the kernel's own list of tracepoints (tracefs), an oracle
 * independent of the exporter's BTF probes. In a kernel-matrix guest, the fallbacks kernels.list
 * expects for that kernel must be among those taken. The filesystem failure hooks use tp_btf
 * wherever BTF describes their tracepoint, a filesystem built as a module with module BTF included.
 */
@Tag(KernelMatrix.TAG)
class HookFallbacksIT {
    /** A tracepoint ioguard prefers, the one it falls back to, and what both feed. */
    private record Choice(String preferred, String fallback, String purpose) {}

    private static final List<Choice> CHOICES = List.of(
            // block_io_done: 6.5+; before, the last block_rq_complete of a request.
            new Choice("block_io_done", "block_rq_complete", "disk request completion"),
            // block_rq_error: its own tracepoint on newer kernels; else the completion's status.
            new Choice("block_rq_error", "block_rq_complete", "disk request errors"));

    /** A filesystem failure hook: tp_btf where BTF describes it (vmlinux, or the module's own), else classic. */
    private record FsHook(String module, String tracepoint, String purpose) {}

    private static final List<FsHook> FS_HOOKS = List.of(
            new FsHook("ext4", "ext4_error", "ext4 filesystem errors"),
            new FsHook("ext4", "ext4_shutdown", "ext4 shutdowns"),
            new FsHook("xfs", "xfs_force_shutdown", "xfs shutdowns"));

    @Test
    void healthzAndTheSelfMetricNameTheHookEachFallbackChoseOnThisKernel() throws Exception {
        Root.require();
        KernelAssumptions.require(Files.isReadable(Path.of("/sys/kernel/btf/vmlinux")),
                "kernel has no BTF (/sys/kernel/btf/vmlinux)");
        try (Tracefs tracefs = Tracefs.ensureMounted();
                ExporterProcess exporter = ExporterProcess.start()) {
            exporter.awaitReady(Duration.ofSeconds(60));
            String health = exporter.get("/healthz").body();
            String metrics = exporter.get("/metrics").body();
            assertTrue(health.startsWith("ok\n"), health);

            List<String> notUsed = new ArrayList<>();
            for (Choice c : CHOICES) {
                boolean kernelHasIt = Files.isDirectory(tracefs.events().resolve("block").resolve(c.preferred()));
                String live = "tp_btf/" + (kernelHasIt ? c.preferred() : c.fallback());
                String unused = "tp_btf/" + (kernelHasIt ? c.fallback() : c.preferred());
                assertTrue(hasLine(health, "live " + live + " (" + c.purpose() + ")"),
                        live + " live for " + c.purpose() + ":\n" + health);
                assertTrue(hasLine(health, "not_used " + unused + " (" + c.purpose() + "): "),
                        unused + " not_used, with the reason, for " + c.purpose() + ":\n" + health);
                assertEquals(OptionalDouble.of(1), hookLive(metrics, live, c.purpose(), "live"), live);
                assertEquals(OptionalDouble.of(0), hookLive(metrics, unused, c.purpose(), "not_used"), unused);
                notUsed.add(unused);
            }
            for (FsHook h : FS_HOOKS) {
                // Independent of the exporter's BTF probes: tracefs lists the tracepoint, and a
                // filesystem loaded as a module (it has /sys/module/<fs>/initstate) has its BTF or not.
                if (!Files.isDirectory(tracefs.events().resolve(h.module()).resolve(h.tracepoint()))) {
                    continue;
                }
                boolean module = Files.exists(Path.of("/sys/module", h.module(), "initstate"));
                boolean btf = !module || Files.exists(Path.of("/sys/kernel/btf", h.module()));
                String tpBtf = "tp_btf/" + h.tracepoint();
                String classic = "tracepoint/" + h.module() + "/" + h.tracepoint();
                String live = btf ? tpBtf : classic;
                String unused = btf ? classic : tpBtf;
                assertTrue(hasLine(health, "live " + live + " (" + h.purpose() + ")"),
                        live + " live for " + h.purpose() + " (" + h.module() + (module ? " a module" : " built in")
                                + "):\n" + health);
                assertTrue(hasLine(health, "not_used " + unused + " (" + h.purpose() + "): "), health);
                assertEquals(OptionalDouble.of(1), hookLive(metrics, live, h.purpose(), "live"), live);
                if (module && btf) {
                    KernelMatrix.note("healthz: " + h.module() + " is a module with BTF: " + live + " live");
                }
            }
            KernelMatrix.expectedNotUsed().ifPresent(expected -> assertTrue(notUsed.containsAll(expected),
                    "kernels.list expects " + expected + " as fallbacks on this kernel; not_used: " + notUsed));
            for (String line : health.split("\n")) {
                if (line.startsWith("not_used ")) {
                    KernelMatrix.note("healthz: " + line);
                }
            }
        }
    }

    private static boolean hasLine(String text, String prefix) {
        return text.lines().anyMatch(l -> l.startsWith(prefix));
    }

    private static OptionalDouble hookLive(String metrics, String hook, String purpose, String state) {
        return PrometheusText.value(metrics, "ioguard_hook_live",
                Map.of("hook", hook, "purpose", purpose, "state", state));
    }
}
