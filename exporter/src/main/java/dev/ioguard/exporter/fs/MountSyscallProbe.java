package dev.ioguard.exporter.fs;

import dev.ioguard.bpf.Collection;
import dev.ioguard.bpf.CollectionSpec;
import dev.ioguard.bpf.RingBufferReader;
import dev.ioguard.exporter.bpf.EmbeddedObjects;
import dev.ioguard.exporter.bpf.PerCpuValues;
import dev.ioguard.exporter.bpf.ProgramAttacher;
import dev.ioguard.exporter.bpf.Tracefs;
import dev.ioguard.exporter.hooks.Hook;
import dev.ioguard.exporter.hooks.HookRegistry;
import java.lang.System.Logger.Level;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The administrative remount programs (bpf/mount_syscalls.bpf.c) on the classic per-syscall
 * tracepoints, which need tracefs: without it every hook is recorded failed with the reason and
 * no program is loaded ({@link #start} then returns a probe that delivers nothing). Events are
 * decoded on the ring buffer thread and handed to the consumer, which must not block. The
 * counters may be read from any thread.
 */
public final class MountSyscallProbe implements AutoCloseable {
    static final String OBJECT = "mount_syscalls";
    private static final System.Logger LOG = System.getLogger(MountSyscallProbe.class.getName());
    private static final String PURPOSE = "administrative remounts";
    private static final Map<String, String> PURPOSES = new LinkedHashMap<>();

    static {
        for (String p : new String[] {"mount_enter", "mount_exit", "fsconfig_enter", "fsconfig_exit",
            "mount_setattr_enter", "mount_setattr_exit"}) {
            PURPOSES.put(p, PURPOSE);
        }
    }

    private final Collection collection;
    private final AtomicLong undecodable = new AtomicLong();

    private MountSyscallProbe(Collection collection, Consumer<MountSyscallEvent> consumer) {
        this.collection = collection;
        if (collection != null) {
            RingBufferReader.start(collection.map("mount_events"), "ioguard-mount-syscalls", record -> {
                MountSyscallEvent event;
                try {
                    event = MountSyscallLayout.decode(record);
                } catch (IllegalArgumentException e) {
                    undecodable.incrementAndGet();
                    LOG.log(Level.WARNING, "undecodable mount syscall event: " + e.getMessage());
                    return;
                }
                consumer.accept(event);
            });
        }
    }

    public static MountSyscallProbe start(HookRegistry hooks, Tracefs tracefs,
            Consumer<MountSyscallEvent> consumer) {
        try (CollectionSpec spec = CollectionSpec.open(OBJECT, EmbeddedObjects.read(OBJECT))) {
            if (!tracefs.available()) {
                for (String program : PURPOSES.keySet()) {
                    hooks.record(new Hook(spec.sectionName(program), PURPOSE, Hook.State.FAILED,
                            tracefs.reason()));
                }
                return new MountSyscallProbe(null, consumer);
            }
            Collection collection = spec.load();
            try {
                ProgramAttacher.attachAll(collection, PURPOSES, hooks);
                return new MountSyscallProbe(collection, consumer);
            } catch (RuntimeException e) {
                collection.close();
                throw e;
            }
        }
    }

    /**
     * Events lost in the kernel: the ring buffer was full, or (rarer) more than 1,024 calls were in
     * flight at once, so a call's entry could not be remembered until its exit.
     */
    public long droppedInKernel() {
        if (collection == null) {
            return 0;
        }
        return PerCpuValues.sumLongs(collection.map("mount_dropped").lookup(PerCpuValues.indexKey(0)))
                + PerCpuValues.sumLongs(collection.map("mount_dropped").lookup(PerCpuValues.indexKey(1)));
    }

    public long eventsUndecodable() {
        return undecodable.get();
    }

    /** Stops the reader, detaches the programs and frees the maps. */
    @Override
    public void close() {
        if (collection != null) {
            collection.close();
        }
    }
}
