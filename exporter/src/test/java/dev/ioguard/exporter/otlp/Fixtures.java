package dev.ioguard.exporter.otlp;

import dev.ioguard.exporter.devices.BlockDevice;
import dev.ioguard.exporter.histogram.Histogram;
import dev.ioguard.exporter.testsupport.Histograms;
import dev.ioguard.exporter.snapshot.Direction;
import dev.ioguard.exporter.snapshot.DiskErrors;
import dev.ioguard.exporter.snapshot.DiskInflight;
import dev.ioguard.exporter.snapshot.DiskIo;
import dev.ioguard.exporter.snapshot.FilesystemCount;
import dev.ioguard.exporter.snapshot.FilesystemHealth;
import dev.ioguard.exporter.snapshot.MountReadOnly;
import dev.ioguard.exporter.snapshot.NodeSnapshot;
import dev.ioguard.exporter.testsupport.OtlpHttpReceiver;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.ExponentialHistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Snapshots, configurations and proto helpers shared by the OTLP tests. Stateless. */
final class Fixtures {
    private Fixtures() {}

    static final BlockDevice LOOP3 = new BlockDevice(7, 3, "loop3");
    static final BlockDevice NVME = new BlockDevice(259, 0, "nvme0n1");
    static final BlockDevice ZRAM0 = new BlockDevice(252, 0, "zram0");

    /** Kernel duration units: 2^-30 s. */
    static long units(double seconds) {
        return Histograms.units(seconds);
    }

    static Histogram durations(double... seconds) {
        return Histograms.durations(seconds);
    }

    static Histogram values(long... values) {
        return Histograms.values(values);
    }



    private static final Histogram NONE = Histogram.empty();

    /**
     * Three devices, every metric of the contract the snapshot has: exact powers of two
     * (upper-inclusive boundaries), zeros (the zero bucket; requests issued directly have queue
     * time 0), gaps between occupied buckets, a direction without IO (no histogram point at all),
     * and a bio-based device (zram: total and size, no request stage).
     */
    static final NodeSnapshot SNAPSHOT = new NodeSnapshot(List.of(
            new DiskIo(LOOP3, Direction.WRITE, 6, 24576,
                    durations(0, 0.0005, 0.001, 0.25, 0.25, 3.0),
                    durations(0, 0, 0, 0.0001, 0.004, 0.004),
                    durations(0.0001, 0.0006, 0.0012, 0.26, 0.3, 3.5),
                    values(4096, 4096, 4096, 4096, 4096, 4096),
                    values(1, 1, 2, 3, 16, 16)),
            new DiskIo(LOOP3, Direction.READ, 1, 4096,
                    durations(0.002), durations(0), durations(0.0021), values(4096), values(1)),
            new DiskIo(NVME, Direction.READ, 5, 1 << 20,
                    durations(0.00002, 0.00003, 0.0001, 0.0001, 0.0625),
                    durations(0, 0, 0, 0, 0),
                    durations(0.00003, 0.00004, 0.0002, 0.0002, 0.07),
                    values(4096, 61440, 131072, 262144, 589824),
                    values(1, 2, 3, 4, 32)),
            new DiskIo(NVME, Direction.DISCARD, 0, 0, NONE, NONE, NONE, NONE, NONE),
            new DiskIo(ZRAM0, Direction.WRITE, 3, 12288, NONE, NONE,
                    durations(0.000001, 0.000002, 0.00005), values(4096, 4096, 4096), NONE)),
            List.of(new DiskInflight(LOOP3, 3), new DiskInflight(NVME, 0)),
            List.of(new DiskErrors(LOOP3, Direction.WRITE, "io", 12),
                    new DiskErrors(NVME, Direction.DISCARD, "not_supported", 1)),
            new FilesystemHealth(
                    List.of(new MountReadOnly("loop3", "/data", "ext4", true),
                            new MountReadOnly("loop3", "/merged", "overlay", true),
                            new MountReadOnly("vda", "/", "ext4", false)),
                    List.of(new FilesystemCount("loop3", "/data", "ext4", "fs_error", 2)),
                    List.of(new FilesystemCount("loop4", "/logs", "xfs", "admin", 1)),
                    List.of(new FilesystemCount("loop3", "/data", "ext4", "fs_error", 1))));

    /** The first metric export to an OTLP/HTTP receiver for this snapshot, as decoded there. */
    static ExportMetricsServiceRequest exportOnce(NodeSnapshot snapshot, Map<String, String> env)
            throws Exception {
        try (OtlpHttpReceiver receiver = OtlpHttpReceiver.start()) {
            OtlpConfig config = httpConfig(receiver, env);
            try (OtlpMetrics metrics = OtlpMetrics.start(config, () -> snapshot).orElseThrow()) {
                if (!metrics.forceFlush()) {
                    throw new AssertionError("export to the receiver failed");
                }
            }
            if (!receiver.problems().isEmpty()) {
                throw new AssertionError("receiver problems: " + receiver.problems());
            }
            return receiver.metricRequests().getFirst();
        }
    }

    /** Every metric of the request, across resources and scopes. */
    static List<Metric> metrics(ExportMetricsServiceRequest request) {
        List<Metric> out = new ArrayList<>();
        for (ResourceMetrics rm : request.getResourceMetricsList()) {
            for (ScopeMetrics sm : rm.getScopeMetricsList()) {
                out.addAll(sm.getMetricsList());
            }
        }
        return out;
    }

    /** OTel bucket index -> count of the positive buckets, from the offset and the dense list. */
    static Map<Integer, Long> buckets(ExponentialHistogramDataPoint p) {
        Map<Integer, Long> out = new TreeMap<>();
        List<Long> counts = p.getPositive().getBucketCountsList();
        for (int i = 0; i < counts.size(); i++) {
            if (counts.get(i) != 0) {
                out.put(p.getPositive().getOffset() + i, counts.get(i));
            }
        }
        return out;
    }

    /** OTLP over HTTP/protobuf to the receiver, with these extra variables. */
    static OtlpConfig httpConfig(OtlpHttpReceiver receiver, Map<String, String> extra) {
        Map<String, String> env = new HashMap<>();
        env.put("OTEL_EXPORTER_OTLP_ENDPOINT", receiver.endpoint());
        env.put("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf");
        env.put("OTEL_EXPORTER_OTLP_TIMEOUT", "2000");
        env.put("OTEL_METRIC_EXPORT_INTERVAL", "3600000");
        env.put("OTEL_METRIC_EXPORT_TIMEOUT", "5000");
        env.putAll(extra);
        return OtlpConfig.fromEnvironment(env, "host-a", "1.2.3").orElseThrow();
    }

    static Map<String, AnyValue> attributes(List<KeyValue> list) {
        Map<String, AnyValue> out = new HashMap<>();
        for (KeyValue kv : list) {
            if (out.put(kv.getKey(), kv.getValue()) != null) {
                throw new AssertionError("attribute " + kv.getKey() + " twice");
            }
        }
        return out;
    }

    static String string(List<KeyValue> list, String key) {
        AnyValue v = attributes(list).get(key);
        return v == null ? null : v.getStringValue();
    }
}
