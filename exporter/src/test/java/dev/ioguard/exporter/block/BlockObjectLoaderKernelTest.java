package dev.ioguard.exporter.block;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ioguard.bpf.Features;
import dev.ioguard.exporter.bpf.Tracefs;
import dev.ioguard.exporter.hooks.Hook;
import dev.ioguard.exporter.hooks.HookRegistry;
import dev.ioguard.exporter.testsupport.KernelAssumptions;
import dev.ioguard.exporter.testsupport.Root;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Kernel test (root, BPF): which object the loader keeps. In auto mode a tp_btf object the kernel
 * refuses gives way to the classic one, and /healthz's hooks say why; the three modes name the
 * hooks they took; an optional fentry program the kernel refuses leaves the rest on tp_btf.
 */
class BlockObjectLoaderKernelTest {
    private static final Map<String, String> PURPOSES = Map.of("block_rq_insert", "insert",
            "block_rq_issue", "issue", "block_io_done", "completion", "block_rq_complete", "completion");

    @BeforeEach
    void needsRootBpfAndBtf() {
        Root.require();
        KernelAssumptions.require(Files.isReadable(Path.of("/sys/kernel/btf/vmlinux")),
                "kernel has no BTF (/sys/kernel/btf/vmlinux)");
        KernelAssumptions.require(Features.btfTracepointArgs("block_rq_issue") == 1,
                "block_rq_issue takes the request alone (5.11+)");
    }

    @Test
    void aTpBtfObjectTheKernelRefusesGivesWayToClassicTracepoints() {
        HookRegistry hooks = new HookRegistry();
        try (Tracefs tracefs = Tracefs.ensure()) {
            BlockObjectLoader loader = new BlockObjectLoader(TracepointMode.AUTO, tracefs, hooks);
            // Claims a queue argument block_rq_issue does not have: the kernel's verifier refuses the
            // program's load of that second argument, a real refusal of the tp_btf object.
            BlockObjectLoader.Loaded loaded = loader.load("block_requests", spec -> {
                byte[] rodata = spec.initialValue(".rodata");
                rodata[0] = 1;
                spec.setInitialValue(".rodata", rodata);
            }, (spec, layout) -> { }, PURPOSES);
            try (var object = loaded.object()) {
                assertTrue(loaded.classic());
                Hook btf = hook(hooks, "tp_btf/block_rq_issue");
                assertEquals(Hook.State.NOT_USED, btf.state());
                assertTrue(btf.detail().startsWith("tp_btf failed to load"), btf.detail());
                // The pre-5.11 path reads the request at a constant offset, as the verifier
                // requires of context loads (a kernel that has the argument accepts it).
                assertFalse(btf.detail().contains("modified ctx ptr"), btf.detail());
                assertEquals(Hook.State.LIVE, hook(hooks, "tracepoint/block/block_rq_issue").state());
                assertTrue(hooks.healthy(), hooks.all().toString());
            }
        }
    }

    @Test
    void eachModeTakesItsHooks() {
        for (TracepointMode mode : TracepointMode.values()) {
            HookRegistry hooks = new HookRegistry();
            try (Tracefs tracefs = Tracefs.ensure()) {
                BlockObjectLoader.Loaded loaded = new BlockObjectLoader(mode, tracefs, hooks)
                        .load("block_bios", spec -> { }, (spec, layout) -> { }, Map.of(),
                                List.of(new BlockObjectLoader.OptionalProgram("submit_bio",
                                        "bio queued instead")));
                try (var object = loaded.object()) {
                    boolean classic = mode == TracepointMode.CLASSIC;
                    assertEquals(classic, loaded.classic(), mode.label());
                    assertEquals(classic ? Hook.State.LIVE : null,
                            state(hooks, "tracepoint/block/block_bio_queue"), mode.label());
                    assertEquals(classic ? Hook.State.NOT_USED : Hook.State.LIVE,
                            state(hooks, "tp_btf/block_bio_queue"), mode.label());
                    assertFalse(hooks.all().stream().anyMatch(h -> h.state() == Hook.State.FAILED),
                            hooks.all().toString());
                    // The optional fentry program: live, or not used saying what is in force.
                    Hook fentry = hook(hooks, "fentry/submit_bio");
                    assertEquals(fentry.state() == Hook.State.LIVE,
                            loaded.optionalLive().contains("submit_bio"), fentry.toString());
                    assertTrue(fentry.state() == Hook.State.LIVE
                            || fentry.state() == Hook.State.NOT_USED
                                    && fentry.detail().endsWith("bio queued instead"), fentry.toString());
                }
            }
        }
    }

    private static Hook hook(HookRegistry hooks, String name) {
        return hooks.all().stream().filter(h -> h.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError(name + " not in " + hooks.all()));
    }

    private static Hook.State state(HookRegistry hooks, String name) {
        return hooks.all().stream().filter(h -> h.name().equals(name)).map(Hook::state).findFirst()
                .orElse(null);
    }
}
