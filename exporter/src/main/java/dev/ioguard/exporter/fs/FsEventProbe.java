package dev.ioguard.exporter.fs;

import dev.ioguard.bpf.BpfException;
import dev.ioguard.bpf.BpfMap;
import dev.ioguard.bpf.Collection;
import dev.ioguard.bpf.CollectionSpec;
import dev.ioguard.bpf.Features;
import dev.ioguard.bpf.Link;
import dev.ioguard.bpf.RingBufferReader;
import dev.ioguard.exporter.bpf.EmbeddedObjects;
import dev.ioguard.exporter.bpf.PerCpuValues;
import dev.ioguard.exporter.bpf.ProgramAttacher;
import dev.ioguard.exporter.bpf.Tracefs;
import dev.ioguard.exporter.hooks.Hook;
import dev.ioguard.exporter.hooks.HookRegistry;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The filesystem failure programs: bpf/fs_events.bpf.c (ext4 errors and shutdowns, xfs shutdowns;
 * events through a ring buffer, exact counts through a map) and, where the kernel allows it, the
 * optional bpf/fs_fentry.bpf.c (fentry on ext4_handle_error, with the errno).
 *
 * <p>For each failure the tp_btf program is used when the kernel's BTF has the tracepoint (vmlinux's,
 * or the filesystem module's), else its classic tracepoint twin when tracefs has it; what is not used is recorded in the
 * {@link HookRegistry} with the reason. Events are decoded on the ring buffer threads and handed
 * to the consumer, which must be thread-safe and must not block. {@link #counts()},
 * {@link #droppedInKernel()} and the other counters may be called from any thread.
 */
public final class FsEventProbe implements AutoCloseable {
    public static final String OBJECT = "fs_events";
    static final String FENTRY_OBJECT = "fs_fentry";
    private static final System.Logger LOG = System.getLogger(FsEventProbe.class.getName());

    /** One failure's tp_btf program and its classic twin. */
    private record Failure(String tpBtfProgram, String classicProgram, String category,
            String tracepoint, String purpose) {}

    private static final List<Failure> FAILURES = List.of(
            new Failure("ext4_error", "ext4_error_classic", "ext4", "ext4_error",
                    "ext4 filesystem errors"),
            new Failure("ext4_shutdown", "ext4_shutdown_classic", "ext4", "ext4_shutdown",
                    "ext4 shutdowns"),
            new Failure("xfs_force_shutdown", "xfs_force_shutdown_classic", "xfs",
                    "xfs_force_shutdown", "xfs shutdowns"));

    /** Which program family to use; tests force the fallback. */
    enum Preference { TP_BTF_FIRST, CLASSIC_ONLY }

    private final Collection collection;
    private final Collection fentry;
    private final boolean xfsShutdownsLive;
    private final List<RingBufferReader> readers = new ArrayList<>();
    private final AtomicLong undecodable = new AtomicLong();

    private FsEventProbe(Collection collection, Collection fentry, boolean xfsShutdownsLive,
            Consumer<FsEvent> consumer) {
        this.collection = collection;
        this.fentry = fentry;
        this.xfsShutdownsLive = xfsShutdownsLive;
        readers.add(RingBufferReader.start(collection.map("fs_events"), "ioguard-fs-events",
                record -> decodeAndHand(record, consumer)));
        if (fentry != null) {
            readers.add(RingBufferReader.start(fentry.map("fs_fentry_events"),
                    "ioguard-fs-fentry-events", record -> decodeAndHand(record, consumer)));
        }
    }

    public static FsEventProbe start(HookRegistry hooks, Tracefs tracefs, Consumer<FsEvent> consumer) {
        return start(hooks, tracefs, consumer, Preference.TP_BTF_FIRST);
    }

    static FsEventProbe start(HookRegistry hooks, Tracefs tracefs, Consumer<FsEvent> consumer,
            Preference preference) {
        Collection collection;
        Map<String, String> purposes = new LinkedHashMap<>();
        try (CollectionSpec spec = CollectionSpec.open(OBJECT, EmbeddedObjects.read(OBJECT))) {
            for (Failure f : FAILURES) {
                choose(spec, f, preference, tracefs, hooks);
                purposes.put(f.tpBtfProgram(), f.purpose());
                purposes.put(f.classicProgram(), f.purpose());
            }
            collection = spec.load();
        }
        Collection fentry = null;
        try {
            List<Link> links = ProgramAttacher.attachAll(collection, purposes, hooks);
            boolean xfsLive = links.stream().anyMatch(l -> l.programName().startsWith("xfs_force_shutdown"));
            fentry = startFentry(hooks);
            return new FsEventProbe(collection, fentry, xfsLive, consumer);
        } catch (RuntimeException e) {
            if (fentry != null) {
                fentry.close();
            }
            collection.close();
            throw e;
        }
    }

    /** Sets the autoload flags of one failure's two programs and records the one not used. */
    private static void choose(CollectionSpec spec, Failure f, Preference preference, Tracefs tracefs,
            HookRegistry hooks) {
        String tpBtfHook = spec.sectionName(f.tpBtfProgram());
        String classicHook = spec.sectionName(f.classicProgram());
        // The category is also the module's name: ext4 and xfs may be modules (with their own BTF).
        Features.Probe btf = Features.btfTracepoint(f.category(), f.tracepoint());
        boolean useBtf = preference == Preference.TP_BTF_FIRST && btf.supported();
        boolean useClassic = !useBtf && tracefs.hasTracepoint(f.category(), f.tracepoint());
        spec.setAutoload(f.tpBtfProgram(), useBtf);
        spec.setAutoload(f.classicProgram(), useClassic);
        String btfWhy = preference == Preference.CLASSIC_ONLY ? "classic tracepoint forced"
                : btf.detail();
        if (useBtf) {
            hooks.record(new Hook(classicHook, f.purpose(), Hook.State.NOT_USED,
                    tpBtfHook + " is used instead: " + btf.detail()));
        } else if (useClassic) {
            hooks.record(new Hook(tpBtfHook, f.purpose(), Hook.State.NOT_USED,
                    btfWhy + "; " + classicHook + " is used instead"));
        } else if (tracefs.available()) {
            // Neither BTF nor tracefs knows the tracepoint: the filesystem is not in this kernel.
            hooks.record(new Hook(tpBtfHook, f.purpose(), Hook.State.NOT_USED,
                    btfWhy + "; tracefs has no " + f.category() + ":" + f.tracepoint()
                            + " either (" + f.category() + " not built in or loaded)"));
        } else {
            hooks.record(new Hook(tpBtfHook, f.purpose(), Hook.State.FAILED,
                    btfWhy + "; the classic tracepoint needs tracefs: " + tracefs.reason()));
        }
    }

    /** The optional fentry object: live where the kernel allows it, else recorded as not used. */
    private static Collection startFentry(HookRegistry hooks) {
        String hook = "fentry/ext4_handle_error";
        String purpose = "ext4 errors on every path, with errno";
        String fallback = "; ext4 errors come from the ext4_error tracepoint, and errors on paths "
                + "without it (ext4_std_error) from /sys/fs/ext4/<dev>/errors_count";
        Collection fentry;
        try (CollectionSpec spec = CollectionSpec.open(FENTRY_OBJECT, EmbeddedObjects.read(FENTRY_OBJECT))) {
            fentry = spec.load();
        } catch (BpfException e) {
            LOG.log(Level.INFO, "optional hook {0} not used: {1}", hook, e.getMessage());
            hooks.record(new Hook(hook, purpose, Hook.State.NOT_USED,
                    "kernel refused to load it: " + e.getMessage() + fallback));
            return null;
        }
        HookRegistry attempt = new HookRegistry();
        List<Link> links = ProgramAttacher.attachAll(fentry, Map.of("ext4_handle_error", purpose), attempt);
        if (links.isEmpty()) {
            String why = attempt.all().stream().map(Hook::detail).findFirst().orElse("not attached");
            hooks.record(new Hook(hook, purpose, Hook.State.NOT_USED, "attach failed: " + why + fallback));
            fentry.close();
            return null;
        }
        attempt.all().forEach(hooks::record);
        return fentry;
    }

    private void decodeAndHand(ByteBuffer record, Consumer<FsEvent> consumer) {
        FsEvent event;
        try {
            event = FsEventLayout.decode(record);
        } catch (IllegalArgumentException e) {
            undecodable.incrementAndGet();
            LOG.log(Level.WARNING, "undecodable filesystem event: " + e.getMessage());
            return;
        }
        consumer.accept(event);
    }

    /** Failures per (kernel dev_t, kind), exact even when the ring buffer overflowed. */
    public Map<DevKind, Long> counts() {
        Map<DevKind, Long> counts = new HashMap<>();
        for (BpfMap.Entry e : collection.map("fs_counts").entries()) {
            ByteBuffer k = ByteBuffer.wrap(e.key()).order(ByteOrder.nativeOrder());
            ByteBuffer v = ByteBuffer.wrap(e.value()).order(ByteOrder.nativeOrder());
            counts.put(new DevKind(k.getInt(0), FsEvent.Kind.fromCode(k.getInt(4))), v.getLong(0));
        }
        return counts;
    }

    /** Whether a program on the xfs shutdown tracepoint is attached (tp_btf or classic). */
    public boolean xfsShutdownsLive() {
        return xfsShutdownsLive;
    }

    /** A superblock device and failure kind. */
    public record DevKind(int kernelDev, FsEvent.Kind kind) {}

    /** Events the kernel could not put in a ring buffer (of either object) because it was full. */
    public long droppedInKernel() {
        long dropped = PerCpuValues.sumLongs(collection.map("fs_dropped").lookup(PerCpuValues.indexKey(0)));
        if (fentry != null) {
            dropped += PerCpuValues.sumLongs(fentry.map("fs_fentry_dropped").lookup(PerCpuValues.indexKey(0)));
        }
        return dropped;
    }

    /** Records read from the ring buffers, and those that could not be decoded. */
    public long eventsRead() {
        return readers.stream().mapToLong(RingBufferReader::recordsRead).sum();
    }

    public long eventsUndecodable() {
        return undecodable.get();
    }

    /** Stops the readers, detaches every program and frees the maps. */
    @Override
    public void close() {
        if (fentry != null) {
            fentry.close();
        }
        collection.close();
    }
}
