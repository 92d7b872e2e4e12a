package dev.ioguard.exporter.bpf;

import dev.ioguard.bpf.BpfException;
import dev.ioguard.bpf.Collection;
import dev.ioguard.bpf.Link;
import dev.ioguard.bpf.Program;
import dev.ioguard.exporter.hooks.Hook;
import dev.ioguard.exporter.hooks.HookRegistry;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Attaches each loaded program on its own, so that one the kernel refuses leaves the others
 * working; every outcome lands in the {@link HookRegistry}. Not thread-safe; used at start-up.
 */
public final class ProgramAttacher {
    private static final System.Logger LOG = System.getLogger(ProgramAttacher.class.getName());

    private ProgramAttacher() {}

    /**
     * Attaches every program of {@code collection} and returns the links (the caller owns them).
     *
     * @param purposes what each program (by name) feeds, for /healthz
     */
    public static List<Link> attachAll(Collection collection, Map<String, String> purposes,
            HookRegistry hooks) {
        List<Link> links = new ArrayList<>();
        for (Program program : collection.programs()) {
            String purpose = purposes.getOrDefault(program.name(), program.name());
            try {
                links.add(program.attach());
                hooks.recordLive(new Hook(program.sectionName(), purpose, Hook.State.LIVE, ""),
                        program::stats);
            } catch (BpfException e) {
                LOG.log(Level.WARNING, "hook {0} ({1}) failed: {2}", program.sectionName(), purpose,
                        e.getMessage());
                hooks.record(new Hook(program.sectionName(), purpose, Hook.State.FAILED,
                        e.getMessage()));
            }
        }
        return links;
    }
}
