package dev.ioguard.exporter.hooks;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which kernel hooks are live. Safe for concurrent use: probes record from their start-up thread,
 * the HTTP server reads from its own.
 */
public final class HookRegistry {
    private final Object lock = new Object();
    private final Map<String, Hook> hooks = new LinkedHashMap<>();

    /**
     * Records or replaces the state of a hook. One tracepoint may feed several purposes (each BPF
     * object attaches on its own), so a hook is identified by its name and purpose.
     */
    public void record(Hook hook) {
        synchronized (lock) {
            hooks.put(hook.name() + '\n' + hook.purpose(), hook);
        }
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
