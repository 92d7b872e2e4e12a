package dev.ioguard.exporter;

import dev.ioguard.bpf.Features;
import dev.ioguard.bpf.Libbpf;
import dev.ioguard.exporter.block.BlockBioProbe;
import dev.ioguard.exporter.block.BlockErrorProbe;
import dev.ioguard.exporter.block.BlockObjectLoader;
import dev.ioguard.exporter.block.BlockRequestProbe;
import dev.ioguard.exporter.block.BlockStatusNumbering;
import dev.ioguard.exporter.block.DiskErrorCollector;
import dev.ioguard.exporter.block.DiskIoCollector;
import dev.ioguard.exporter.bpf.Tracefs;
import dev.ioguard.exporter.cli.Options;
import dev.ioguard.exporter.devices.DeviceTable;
import dev.ioguard.exporter.events.EventPipeline;
import dev.ioguard.exporter.events.StdoutSink;
import dev.ioguard.exporter.fs.FsEventProbe;
import dev.ioguard.exporter.fs.MountSyscallProbe;
import dev.ioguard.exporter.fshealth.FilesystemHealthMonitor;
import dev.ioguard.exporter.hooks.Hook;
import dev.ioguard.exporter.hooks.HookRegistry;
import dev.ioguard.exporter.otlp.OtlpConfig;
import dev.ioguard.exporter.otlp.OtlpEventSink;
import dev.ioguard.exporter.otlp.OtlpMetrics;
import dev.ioguard.exporter.prometheus.HttpEndpoint;
import dev.ioguard.exporter.prometheus.KernelMetrics;
import dev.ioguard.exporter.prometheus.ProgramMetrics;
import dev.ioguard.exporter.prometheus.SelfMetrics;
import dev.ioguard.exporter.snapshot.FilesystemHealth;
import dev.ioguard.exporter.snapshot.NodeSnapshot;
import dev.ioguard.exporter.snapshot.SelfSnapshot;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

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
    private BlockRequestProbe requestProbe;
    private BlockBioProbe bioProbe;
    private BlockErrorProbe errorProbe;
    private volatile FsEventProbe fsProbe; // read by the filesystem health thread
    private MountSyscallProbe mountProbe;
    private FilesystemHealthMonitor filesystems;
    private DiskIoCollector disks;
    private DiskErrorCollector diskErrors;
    private HttpEndpoint http;
    private OtlpEventSink otlpEvents;
    private OtlpMetrics otlpMetrics;
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
        Optional<OtlpConfig> otlp = OtlpConfig.fromEnvironment(System.getenv()); // fails fast
        PrometheusRegistry registry = new PrometheusRegistry();
        registry.register(new KernelMetrics(this::nodeSnapshot));
        registry.register(new SelfMetrics(this::selfSnapshot));
        registry.register(new ProgramMetrics(hooks::programRuns, Exporter::bpfStatsEnabled));
        http = own(HttpEndpoint.bind(options.listenAddress(), registry, hooks));

        Libbpf.routeLogToJava();
        // Owned before the pipeline, so closed after the pipeline drained into it.
        otlpEvents = otlp.flatMap(OtlpEventSink::start).map(this::own).orElse(null);
        pipeline = own(new EventPipeline(otlpEvents == null ? List.of(new StdoutSink(eventOut))
                : List.of(new StdoutSink(eventOut), otlpEvents), options.eventQueueSize()));
        Tracefs tracefs = own(Tracefs.ensure());
        filesystems = own(FilesystemHealthMonitor.start(options.nodeName(), options.hostPaths(),
                pipeline::publish,
                () -> fsProbe == null ? Map.of() : fsProbe.counts(),
                () -> fsProbe != null && fsProbe.xfsShutdownsLive()));
        Features.Probe btf = Features.kernelBtf();
        if (btf.supported()) {
            fsProbe = own(FsEventProbe.start(hooks, tracefs, filesystems::onFsEvent));
        } else {
            // Its programs read ext4/xfs structures through CO-RE, which needs the kernel's BTF;
            // the mount table and errors_count still tell read-only states and error counts.
            hooks.record(new Hook(FsEventProbe.OBJECT, "ext4/xfs errors and shutdowns",
                    Hook.State.FAILED, "needs kernel BTF (CO-RE): " + btf.detail()));
        }
        mountProbe = own(MountSyscallProbe.start(hooks, tracefs, filesystems::onMountSyscall));
        BlockObjectLoader blockObjects = new BlockObjectLoader(options.blockTracepoints(), tracefs,
                hooks);
        requestProbe = own(BlockRequestProbe.start(blockObjects));
        bioProbe = own(BlockBioProbe.start(blockObjects));
        disks = new DiskIoCollector(requestProbe, bioProbe, DeviceTable::read);
        // The error probe's events are translated with the collector built right after it.
        DiskErrorCollector[] errors = new DiskErrorCollector[1];
        errorProbe = own(BlockErrorProbe.start(blockObjects, e -> pipeline.publish(
                errors[0].toEvent(e, System.nanoTime(), Instant.now()))));
        diskErrors = errors[0] = new DiskErrorCollector(errorProbe, DeviceTable::read,
                options.nodeName(), BlockStatusNumbering.forRunningKernel());
        ScheduledExecutorService aging = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().name("ioguard-inflight-aging").factory());
        own(aging::shutdownNow);
        aging.scheduleWithFixedDelay(this::ageInflight, 30, 30, TimeUnit.SECONDS);
        // Owned last, so closed first: its final export still reads live probes.
        otlpMetrics = otlp.flatMap(c -> OtlpMetrics.start(c, this::nodeSnapshot)).map(this::own)
                .orElse(null);
        http.serve();
    }

    private static final Path BPF_STATS_SWITCH = Path.of("/proc/sys/kernel/bpf_stats_enabled");

    private static boolean bpfStatsEnabled() {
        try {
            return Files.readString(BPF_STATS_SWITCH).strip().equals("1");
        } catch (IOException e) {
            return false;
        }
    }

    /** A request whose completion was not seen within this time is forgotten (and counted). */
    private static final long INFLIGHT_MAX_AGE_NS = TimeUnit.MINUTES.toNanos(5);

    private void ageInflight() {
        try {
            disks.ageInflight(INFLIGHT_MAX_AGE_NS);
        } catch (RuntimeException e) {
            System.getLogger(Exporter.class.getName()).log(System.Logger.Level.WARNING,
                    "ageing in-flight entries failed", e);
        }
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
        if (disks == null || filesystems == null || diskErrors == null) {
            return NodeSnapshot.empty();
        }
        return new NodeSnapshot(disks.collect(), disks.inflight(), diskErrors.collect(),
                filesystems.snapshot());
    }

    public SelfSnapshot selfSnapshot() {
        List<SelfSnapshot.SinkCounters> sinks = pipeline == null ? List.of()
                : pipeline.sinkStats().stream().map(s -> new SelfSnapshot.SinkCounters(s.sink(),
                        s.delivered(), s.droppedQueueFull(), s.failed())).toList();
        Map<String, Long> unaccounted = new LinkedHashMap<>();
        if (requestProbe != null) {
            unaccounted.putAll(requestProbe.unaccounted());
        }
        if (bioProbe != null) {
            unaccounted.putAll(bioProbe.unaccounted());
        }
        long droppedInKernel = (fsProbe == null ? 0 : fsProbe.droppedInKernel())
                + (mountProbe == null ? 0 : mountProbe.droppedInKernel())
                + (errorProbe == null ? 0 : errorProbe.droppedInKernel());
        return new SelfSnapshot(hooks.all(), pipeline == null ? 0 : pipeline.received(),
                droppedInKernel, sinks, unaccounted,
                otlpEvents == null ? Map.of() : Map.of(otlpEvents.name(), otlpEvents.retries()),
                otlpMetrics == null ? OptionalLong.empty()
                        : OptionalLong.of(otlpMetrics.exportsFailed()));
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
