package dev.ioguard.exporter.hooks;

import dev.ioguard.bpf.ProgramStats;
import dev.ioguard.exporter.snapshot.ProgramRun;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Which kernel hooks are live. Safe for concurrent use: probes record from their start-up thread,
 * the HTTP server reads from its own.
 */
public final class HookRegistry {
    private final Object lock = new Object();
    private final Map<String, Hook> hooks = new LinkedHashMap<>();
    private final Map<String, Supplier<ProgramStats>> stats = new LinkedHashMap<>();

    /**
     * Records or replaces the state of a hook. One tracepoint may feed several purposes (each BPF
     * object attaches on its own), so a hook is identified by its name and purpose.
     */
    public void record(Hook hook) {
        synchronized (lock) {
            hooks.put(key(hook), hook);
        }
    }

    private static String key(Hook hook) {
        return hook.name() + '\n' + hook.purpose();
    }

    /** Records a live hook together with where to read its program's kernel statistics. */
    public void recordLive(Hook hook, Supplier<ProgramStats> programStats) {
        synchronized (lock) {
            record(hook);
            stats.put(key(hook), programStats);
        }
    }

    /** Takes over every hook recorded in {@code other} (a trial load's), with its statistics. */
    public void addAll(HookRegistry other) {
        Map<String, Hook> hooksThere;
        Map<String, Supplier<ProgramStats>> statsThere;
        synchronized (other.lock) {
            hooksThere = new LinkedHashMap<>(other.hooks);
            statsThere = new LinkedHashMap<>(other.stats);
        }
        synchronized (lock) {
            hooks.putAll(hooksThere);
            stats.putAll(statsThere);
        }
    }

    /** Run statistics of every live hook's program; a program that cannot tell is left out. */
    public List<ProgramRun> programRuns() {
        Map<Hook, Supplier<ProgramStats>> live = new LinkedHashMap<>();
        synchronized (lock) {
            stats.forEach((key, supplier) -> live.put(hooks.get(key), supplier));
        }
        List<ProgramRun> runs = new ArrayList<>();
        live.forEach((hook, supplier) -> {
            try {
                ProgramStats p = supplier.get();
                runs.add(new ProgramRun(hook.name(), hook.purpose(), p.runTimeNs(), p.runCount(),
                        p.recursionMisses()));
            } catch (RuntimeException e) {
                // closed or refused: its figures are simply absent from this collection
            }
        });
        return runs;
    }

    /** All hooks in the order first recorded. */
    public List<Hook> all() {
        synchronized (lock) {
            return List.copyOf(new ArrayList<>(hooks.values()));
        }
    }

    /** True when at least one hook is live and none failed. */
    public boolean healthy() {
        List<Hook> all = all();
        return all.stream().anyMatch(h -> h.state() == Hook.State.LIVE)
                && all.stream().noneMatch(h -> h.state() == Hook.State.FAILED);
    }
}
