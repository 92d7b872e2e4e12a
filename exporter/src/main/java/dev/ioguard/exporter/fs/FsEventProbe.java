package dev.ioguard.exporter.fs;

import dev.ioguard.bpf.BpfMap;
import dev.ioguard.bpf.Collection;
import dev.ioguard.bpf.CollectionSpec;
import dev.ioguard.bpf.Link;
import dev.ioguard.bpf.RingBufferReader;
import dev.ioguard.exporter.bpf.EmbeddedObjects;
import dev.ioguard.exporter.bpf.PerCpuValues;
import dev.ioguard.exporter.bpf.ProgramAttacher;
import dev.ioguard.exporter.hooks.HookRegistry;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The filesystem failure program (bpf/fs_events.bpf.c): events through a ring buffer, counts
 * through a map. Events are decoded on the ring buffer thread and handed to the consumer, which
 * must not block. {@link #counts()} and {@link #droppedInKernel()} may be called from any thread.
 */
public final class FsEventProbe implements AutoCloseable {
    static final String OBJECT = "fs_events";
    private static final System.Logger LOG = System.getLogger(FsEventProbe.class.getName());

    private final Collection collection;
    private final List<Link> links;
    private final RingBufferReader reader;
    private final AtomicLong undecodable = new AtomicLong();

    private FsEventProbe(Collection collection, List<Link> links, Consumer<FsEvent> consumer) {
        this.collection = collection;
        this.links = links;
        this.reader = RingBufferReader.start(collection.map("fs_events"), "ioguard-fs-events",
                record -> {
                    FsEvent event;
                    try {
                        event = FsEventLayout.decode(record);
                    } catch (IllegalArgumentException e) {
                        undecodable.incrementAndGet();
                        LOG.log(Level.WARNING, "undecodable filesystem event: " + e.getMessage());
                        return;
                    }
                    consumer.accept(event);
                });
    }

    public static FsEventProbe start(HookRegistry hooks, Consumer<FsEvent> consumer) {
        try (CollectionSpec spec = CollectionSpec.open(OBJECT, EmbeddedObjects.read(OBJECT))) {
            Collection collection = spec.load();
            try {
                List<Link> links = ProgramAttacher.attachAll(collection,
                        Map.of("ext4_error", "ext4 filesystem errors"), hooks);
                return new FsEventProbe(collection, links, consumer);
            } catch (RuntimeException e) {
                collection.close();
                throw e;
            }
        }
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

    /** A superblock device and failure kind. */
    public record DevKind(int kernelDev, FsEvent.Kind kind) {}

    /** Events the kernel could not put in the ring buffer because it was full. */
    public long droppedInKernel() {
        return PerCpuValues.sumLongs(collection.map("fs_dropped").lookup(PerCpuValues.indexKey(0)));
    }

    /** Records read from the ring buffer, and those that could not be decoded. */
    public long eventsRead() {
        return reader.recordsRead();
    }

    public long eventsUndecodable() {
        return undecodable.get();
    }

    @Override
    public void close() {
        reader.close();
        for (Link link : links) {
            link.close();
        }
        collection.close();
    }
}
