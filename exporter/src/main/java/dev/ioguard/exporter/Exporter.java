package dev.ioguard.exporter;

import dev.ioguard.bpf.Libbpf;
import dev.ioguard.exporter.block.BlockRequestProbe;
import dev.ioguard.exporter.block.DiskIoCollector;
import dev.ioguard.exporter.bpf.Tracefs;
import dev.ioguard.exporter.cli.Options;
import dev.ioguard.exporter.devices.DeviceTable;
import dev.ioguard.exporter.events.EventPipeline;
import dev.ioguard.exporter.events.StdoutSink;
import dev.ioguard.exporter.fs.FsEventProbe;
import dev.ioguard.exporter.fs.MountSyscallProbe;
import dev.ioguard.exporter.fshealth.FilesystemHealthMonitor;
import dev.ioguard.exporter.hooks.HookRegistry;
import dev.ioguard.exporter.prometheus.HttpEndpoint;
import dev.ioguard.exporter.prometheus.KernelMetrics;
import dev.ioguard.exporter.prometheus.SelfMetrics;
import dev.ioguard.exporter.snapshot.FilesystemHealth;
import dev.ioguard.exporter.snapshot.NodeSnapshot;
import dev.ioguard.exporter.snapshot.SelfSnapshot;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The running exporter: kernel probes, the event pipeline and the HTTP endpoint, started in that
 * dependency order and closed in reverse. {@link #start} is called once; {@link #close()} may be
 * called from any thread (a shutdown hook) and is idempotent.
 */
public final class Exporter implements AutoCloseable {
    private final List<AutoCloseable> resources = new ArrayList<>();
    private final Object closeLock = new Object();
    private final HookRegistry hooks = new HookRegistry();
    private EventPipeline pipeline;
    private BlockRequestProbe blockProbe;
    private volatile FsEventProbe fsProbe; // read by the filesystem health thread
    private MountSyscallProbe mountProbe;
    private FilesystemHealthMonitor filesystems;
    private DiskIoCollector disks;
    private HttpEndpoint http;
    private boolean closed;

    private Exporter() {}

    /**
     * Binds the HTTP port first (a taken port fails before anything touches the kernel), loads and
     * attaches the BPF programs, then serves. On failure everything already started is closed.
     */
    public static Exporter start(Options options, PrintStream eventOut) throws IOException {
        Exporter exporter = new Exporter();
        try {
            exporter.startAll(options, eventOut);
            return exporter;
        } catch (IOException | RuntimeException e) {
            exporter.close();
            throw e;
        }
    }

    private void startAll(Options options, PrintStream eventOut) throws IOException {
        PrometheusRegistry registry = new PrometheusRegistry();
        registry.register(new KernelMetrics(this::nodeSnapshot));
        registry.register(new SelfMetrics(this::selfSnapshot));
        http = own(HttpEndpoint.bind(options.listenAddress(), registry, hooks));

        Libbpf.routeLogToJava();
        pipeline = own(new EventPipeline(List.of(new StdoutSink(eventOut)),
                options.eventQueueSize()));
        Tracefs tracefs = own(Tracefs.ensure());
        filesystems = own(FilesystemHealthMonitor.start(options.nodeName(), pipeline::publish,
                () -> fsProbe == null ? Map.of() : fsProbe.counts(),
                () -> fsProbe != null && fsProbe.xfsShutdownsLive()));
        fsProbe = own(FsEventProbe.start(hooks, tracefs, filesystems::onFsEvent));
        mountProbe = own(MountSyscallProbe.start(hooks, tracefs, filesystems::onMountSyscall));
        blockProbe = own(BlockRequestProbe.start(hooks));
        disks = new DiskIoCollector(blockProbe, DeviceTable::read);
        http.serve();
    }

    private <T extends AutoCloseable> T own(T resource) {
        resources.add(resource);
        return resource;
    }

    public InetSocketAddress httpAddress() {
        return http.address();
    }

    public HookRegistry hooks() {
        return hooks;
    }

    /** One consistent read of every kernel aggregate. */
    public NodeSnapshot nodeSnapshot() {
        if (disks == null || filesystems == null) {
            return new NodeSnapshot(List.of(), FilesystemHealth.EMPTY);
        }
        return new NodeSnapshot(disks.collect(), filesystems.snapshot());
    }

    public SelfSnapshot selfSnapshot() {
        List<SelfSnapshot.SinkCounters> sinks = pipeline == null ? List.of()
                : pipeline.sinkStats().stream().map(s -> new SelfSnapshot.SinkCounters(s.sink(),
                        s.delivered(), s.droppedQueueFull(), s.failed())).toList();
        Map<String, Long> unaccounted = new LinkedHashMap<>();
        if (blockProbe != null) {
            unaccounted.putAll(blockProbe.unaccounted());
        }
        return new SelfSnapshot(hooks.all(), pipeline == null ? 0 : pipeline.received(),
                (fsProbe == null ? 0 : fsProbe.droppedInKernel())
                        + (mountProbe == null ? 0 : mountProbe.droppedInKernel()), sinks, unaccounted);
    }

    @Override
    public void close() {
        synchronized (closeLock) {
            if (closed) {
                return;
            }
            closed = true;
        }
        for (int i = resources.size() - 1; i >= 0; i--) {
            try {
                resources.get(i).close();
            } catch (Exception e) {
                System.getLogger(Exporter.class.getName()).log(System.Logger.Level.WARNING,
                        "closing " + resources.get(i).getClass().getSimpleName() + " failed", e);
            }
        }
    }
}
