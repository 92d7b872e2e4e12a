package dev.ioguard.exporter.block;

import dev.ioguard.bpf.CollectionSpec;
import dev.ioguard.bpf.Features;
import dev.ioguard.exporter.bpf.EmbeddedObjects;
import dev.ioguard.exporter.bpf.LoadedObject;
import dev.ioguard.exporter.bpf.Tracefs;
import dev.ioguard.exporter.hooks.Hook;
import dev.ioguard.exporter.hooks.HookRegistry;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * Loads a block object on the tracepoints the {@link TracepointMode} and the kernel allow:
 * {@code <name>.bpf.o} on tp_btf, or {@code <name>_classic.bpf.o} on classic tracepoints, which
 * need tracefs but no kernel BTF. In {@code auto} mode the classic object replaces the BTF one
 * when the kernel has no BTF, or when the BTF one fails to load or a hook of it fails to attach.
 * Every hook of the object not used is recorded with why. Used at start-up, from one thread.
 */
public final class BlockObjectLoader {
    private static final System.Logger LOG = System.getLogger(BlockObjectLoader.class.getName());
    private static final Path DEBUGFS_TRACING = Path.of("/sys/kernel/debug/tracing");

    /** The object loaded, and whether it is the classic one. */
    record Loaded(LoadedObject object, boolean classic) {}

    private final TracepointMode mode;
    private final Tracefs tracefs;
    private final HookRegistry hooks;
    private BlockTracepointLayout layout;
    private String layoutProblem;

    public BlockObjectLoader(TracepointMode mode, Tracefs tracefs, HookRegistry hooks) {
        this.mode = mode;
        this.tracefs = tracefs;
        this.hooks = hooks;
    }

    HookRegistry hooks() {
        return hooks;
    }

    /**
     * @param configureBtf     sets autoload flags and rodata of the tp_btf object
     * @param configureClassic sets autoload flags of the classic object from this kernel's layout
     *                         (its rodata is set here); records the hooks it leaves out
     * @param purposes         what each program (by name, the same in both objects) feeds
     */
    Loaded load(String name, Consumer<CollectionSpec> configureBtf,
            BiConsumer<CollectionSpec, BlockTracepointLayout> configureClassic,
            Map<String, String> purposes) {
        if (mode == TracepointMode.CLASSIC) {
            return classic(name, configureClassic, purposes, "forced by --block.tracepoints=classic");
        }
        Features.Probe btf = Features.kernelBtf();
        if (mode == TracepointMode.AUTO && !btf.supported()) {
            return classic(name, configureClassic, purposes, "no kernel BTF (" + btf.detail() + ")");
        }
        if (mode == TracepointMode.BTF) {
            return new Loaded(LoadedObject.load(name, configureBtf, purposes, hooks), false);
        }
        // auto with BTF: keep the tp_btf object only if it loads and every hook attaches.
        HookRegistry trial = new HookRegistry();
        LoadedObject object;
        try {
            object = LoadedObject.load(name, configureBtf, purposes, trial);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "{0}: the tp_btf programs failed to load, using classic "
                    + "tracepoints: {1}", name, e.getMessage());
            return classic(name, configureClassic, purposes, "tp_btf failed to load: " + e.getMessage());
        }
        String failed = trial.all().stream().filter(h -> h.state() == Hook.State.FAILED)
                .map(h -> h.name() + ": " + h.detail()).findFirst().orElse(null);
        if (failed == null) {
            hooks.addAll(trial);
            return new Loaded(object, false);
        }
        object.close();
        LOG.log(Level.WARNING, "{0}: a tp_btf hook failed to attach, using classic tracepoints: {1}",
                name, failed);
        return classic(name, configureClassic, purposes, "tp_btf attach failed (" + failed + ")");
    }

    private Loaded classic(String name, BiConsumer<CollectionSpec, BlockTracepointLayout> configure,
            Map<String, String> purposes, String why) {
        recordBtfNotUsed(name, purposes, why + "; classic tracepoint/block/* in force");
        String classic = name + "_classic";
        return new Loaded(LoadedObject.load(classic, spec -> {
            String problem = layoutProblem();
            if (problem == null) {
                spec.setInitialValue(".rodata", layout.rodata());
                configure.accept(spec, layout);
                return;
            }
            // Loaded without programs, so that the maps exist and read empty.
            for (String program : spec.programNames()) {
                spec.setAutoload(program, false);
                hooks.record(new Hook(spec.sectionName(program),
                        purposes.getOrDefault(program, program), Hook.State.FAILED, problem));
            }
        }, purposes, hooks), true);
    }

    private void recordBtfNotUsed(String name, Map<String, String> purposes, String why) {
        try (CollectionSpec spec = CollectionSpec.open(name, EmbeddedObjects.read(name))) {
            for (String program : spec.programNames()) {
                hooks.record(new Hook(spec.sectionName(program), purposes.getOrDefault(program, program),
                        Hook.State.NOT_USED, why));
            }
        }
    }

    /** Null when the layout is read, else why the classic programs cannot run here. */
    private String layoutProblem() {
        if (layout != null || layoutProblem != null) {
            return layoutProblem;
        }
        if (!tracefs.available()) {
            return layoutProblem = "classic tracepoints need tracefs: " + tracefs.reason();
        }
        Path root = Files.isDirectory(Tracefs.MOUNT_POINT.resolve("events")) ? Tracefs.MOUNT_POINT
                : DEBUGFS_TRACING;
        try {
            layout = BlockTracepointLayout.read(root);
        } catch (IOException | IllegalArgumentException e) {
            layoutProblem = "cannot read the block tracepoint formats under " + root + ": "
                    + e.getMessage();
        }
        return layoutProblem;
    }
}
