package dev.ioguard.exporter.bpf;

import dev.ioguard.bpf.BpfMap;
import dev.ioguard.bpf.Collection;
import dev.ioguard.bpf.CollectionSpec;
import dev.ioguard.bpf.Link;
import dev.ioguard.exporter.hooks.HookRegistry;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * One embedded BPF object, loaded and attached program by program: what every probe starts from.
 * Map reads are safe from any thread; {@link #close()} detaches and frees everything, once.
 */
public final class LoadedObject implements AutoCloseable {
    private final Collection collection;
    private final List<Link> links;

    private LoadedObject(Collection collection, List<Link> links) {
        this.collection = collection;
        this.links = links;
    }

    /**
     * Opens {@code /bpf/<name>.bpf.o}, lets {@code configure} set autoload flags and rodata, loads
     * it and attaches each program; refused attachments are recorded in {@code hooks}.
     *
     * @param purposes what each program (by name) feeds, for /healthz
     */
    public static LoadedObject load(String name, Consumer<CollectionSpec> configure,
            Map<String, String> purposes, HookRegistry hooks) {
        try (CollectionSpec spec = CollectionSpec.open(name, EmbeddedObjects.read(name))) {
            configure.accept(spec);
            Collection collection = spec.load();
            try {
                return new LoadedObject(collection,
                        ProgramAttacher.attachAll(collection, purposes, hooks));
            } catch (RuntimeException e) {
                collection.close();
                throw e;
            }
        }
    }

    public BpfMap map(String name) {
        return collection.map(name);
    }

    /** The sum over CPUs of entry {@code index} of a per-CPU {@code __u64} array. */
    public long perCpuCounter(String map, int index) {
        return PerCpuValues.sumLongs(collection.map(map).lookup(PerCpuValues.indexKey(index)));
    }

    @Override
    public void close() {
        for (Link link : links) {
            link.close();
        }
        collection.close();
    }
}
