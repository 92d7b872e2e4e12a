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
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * Loads a block object on the tracepoints the {@link TracepointMode} and the kernel allow:
 * {@code <name>.bpf.o} on tp_btf, or {@code <name>_classic.bpf.o} on classic tracepoints, which
 * need tracefs but no kernel BTF. In {@code auto} mode the classic object replaces the BTF one
 * when the kernel has no BTF, or when the BTF one fails to load or a hook of it fails to attach.
 * Optional programs (fentry) of the tp_btf object are left out where the kernel refuses them,
 * without giving up the rest. Every hook of the object not used is recorded with why. Used at start-up, from one thread.
 */
public final class BlockObjectLoader {
    private static final System.Logger LOG = System.getLogger(BlockObjectLoader.class.getName());

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
     * A program of the tp_btf object the object does without where the kernel refuses it (fentry):
     * refused at load or attach, it is reported not used, with {@code otherwise} (what is in
     * force instead) after the reason, and the rest of the object stays on tp_btf.
     */
    record OptionalProgram(String program, String otherwise) {}

    /** The object loaded; whether it is the classic one; the optional programs that are live. */
    record Loaded(LoadedObject object, boolean classic, Set<String> optionalLive) {}

    Loaded load(String name, Consumer<CollectionSpec> configureBtf,
            BiConsumer<CollectionSpec, BlockTracepointLayout> configureClassic,
            Map<String, String> purposes) {
        return load(name, configureBtf, configureClassic, purposes, List.of());
    }

    /**
     * @param configureBtf     sets autoload flags and rodata of the tp_btf object
     * @param configureClassic sets autoload flags of the classic object from this kernel's layout
     *                         (its rodata is set here); records the hooks it leaves out
     * @param purposes         what each program (by name, the same in both objects) feeds
     * @param optional         programs of the tp_btf object that may be refused
     */
    Loaded load(String name, Consumer<CollectionSpec> configureBtf,
            BiConsumer<CollectionSpec, BlockTracepointLayout> configureClassic,
            Map<String, String> purposes, List<OptionalProgram> optional) {
        if (mode == TracepointMode.CLASSIC) {
            return classic(name, configureClassic, purposes, optional,
                    "forced by --block.tracepoints=classic");
        }
        Features.Probe btf = Features.kernelBtf();
        if (mode == TracepointMode.AUTO && !btf.supported()) {
            return classic(name, configureClassic, purposes, optional,
                    "no kernel BTF (" + btf.detail() + ")");
        }
        // In auto mode the tp_btf object is kept only if it loads and every hook attaches.
        HookRegistry trial = new HookRegistry();
        Loaded loaded;
        try {
            loaded = loadBtf(name, configureBtf, purposes, optional, trial);
        } catch (RuntimeException e) {
            if (mode == TracepointMode.BTF) {
                throw e;
            }
            LOG.log(Level.WARNING, "{0}: the tp_btf programs failed to load, using classic "
                    + "tracepoints: {1}", name, e.getMessage());
            return classic(name, configureClassic, purposes, optional,
                    "tp_btf failed to load: " + e.getMessage());
        }
        String failed = trial.all().stream().filter(h -> h.state() == Hook.State.FAILED)
                .map(h -> h.name() + ": " + h.detail()).findFirst().orElse(null);
        if (failed == null || mode == TracepointMode.BTF) {
            hooks.addAll(trial);
            return loaded;
        }
        loaded.object().close();
        LOG.log(Level.WARNING, "{0}: a tp_btf hook failed to attach, using classic tracepoints: {1}",
                name, failed);
        return classic(name, configureClassic, purposes, optional,
                "tp_btf attach failed (" + failed + ")");
    }

    /**
     * The tp_btf object with its optional programs, or, if the kernel refuses to load it so,
     * without them; an optional program that fails to attach is recorded not used.
     */
    private Loaded loadBtf(String name, Consumer<CollectionSpec> configure, Map<String, String> purposes,
            List<OptionalProgram> optional, HookRegistry into) {
        if (!optional.isEmpty()) {
            HookRegistry attempt = new HookRegistry();
            LoadedObject object = null;
            String refused;
            Map<String, String> sections = new HashMap<>();
            try {
                object = LoadedObject.load(name, spec -> {
                    configure.accept(spec);
                    optional.forEach(o -> sections.put(o.program(), spec.sectionName(o.program())));
                }, purposes, attempt);
                refused = null;
            } catch (RuntimeException e) {
                refused = e.getMessage();
            }
            if (object != null) {
                Set<String> live = new HashSet<>();
                for (OptionalProgram o : optional) {
                    String section = sections.get(o.program());
                    String purpose = purposes.getOrDefault(o.program(), o.program());
                    Hook hook = attempt.all().stream().filter(h -> h.name().equals(section)
                            && h.purpose().equals(purpose)).findFirst().orElse(null);
                    if (hook != null && hook.state() == Hook.State.LIVE) {
                        live.add(o.program());
                    } else if (hook != null) {
                        attempt.record(new Hook(section, purpose, Hook.State.NOT_USED,
                                "attach failed: " + hook.detail() + "; " + o.otherwise()));
                    }
                }
                into.addAll(attempt);
                return new Loaded(object, false, Set.copyOf(live));
            }
            LOG.log(Level.INFO, "{0}: loading again without its optional programs, which the kernel "
                    + "refused: {1}", name, refused);
            String why = refused;
            try (CollectionSpec spec = CollectionSpec.open(name, EmbeddedObjects.read(name))) {
                for (OptionalProgram o : optional) {
                    into.record(new Hook(spec.sectionName(o.program()),
                            purposes.getOrDefault(o.program(), o.program()), Hook.State.NOT_USED,
                            "kernel refused to load it: " + why + "; " + o.otherwise()));
                }
            }
        }
        return new Loaded(LoadedObject.load(name, spec -> {
            configure.accept(spec);
            optional.forEach(o -> spec.setAutoload(o.program(), false));
        }, purposes, into), false, Set.of());
    }

    private Loaded classic(String name, BiConsumer<CollectionSpec, BlockTracepointLayout> configure,
            Map<String, String> purposes, List<OptionalProgram> optional, String why) {
        recordBtfNotUsed(name, purposes, optional, why + "; classic tracepoint/block/* in force");
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
        }, purposes, hooks), true, Set.of());
    }

    private void recordBtfNotUsed(String name, Map<String, String> purposes,
            List<OptionalProgram> optional, String why) {
        try (CollectionSpec spec = CollectionSpec.open(name, EmbeddedObjects.read(name))) {
            for (String program : spec.programNames()) {
                String otherwise = optional.stream().filter(o -> o.program().equals(program))
                        .map(o -> "; " + o.otherwise()).findFirst().orElse("");
                hooks.record(new Hook(spec.sectionName(program), purposes.getOrDefault(program, program),
                        Hook.State.NOT_USED, why + otherwise));
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
        Path root = tracefs.root();
        try {
            layout = BlockTracepointLayout.read(root);
        } catch (IOException | IllegalArgumentException e) {
            layoutProblem = "cannot read the block tracepoint formats under " + root + ": "
                    + e.getMessage();
        }
        return layoutProblem;
    }
}
