package dev.ioguard.exporter.otlp;

import dev.ioguard.exporter.devices.BlockDevice;
import dev.ioguard.exporter.histogram.Histogram;
import dev.ioguard.exporter.histogram.LogLinearBuckets;
import dev.ioguard.exporter.snapshot.Direction;
import dev.ioguard.exporter.snapshot.DiskIo;
import dev.ioguard.exporter.snapshot.FilesystemErrors;
import dev.ioguard.exporter.snapshot.NodeSnapshot;
import dev.ioguard.exporter.testsupport.OtlpHttpReceiver;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Snapshots, configurations and proto helpers shared by the OTLP tests. Stateless. */
final class Fixtures {
    private Fixtures() {}

    static final BlockDevice LOOP3 = new BlockDevice(7, 3, "loop3");
    static final BlockDevice NVME = new BlockDevice(259, 0, "nvme0n1");

    /** Kernel duration units: 2^-30 s. */
    static long units(double seconds) {
        return Math.round(Math.scalb(seconds, 30));
    }

    /** A kernel histogram of these durations, bucketed as the kernel does (hist_slot twin). */
    static Histogram durations(double... seconds) {
        long[] slots = new long[LogLinearBuckets.SLOTS];
        long sum = 0;
        for (double s : seconds) {
            long u = units(s);
            slots[LogLinearBuckets.slotOf(u)]++;
            sum += u;
        }
        return Histogram.of(slots, sum);
    }

    /**
     * Two devices, reads and writes: exact powers of two (upper-inclusive boundaries), zeros (the
     * zero bucket), gaps between occupied buckets, and an empty histogram.
     */
    static final NodeSnapshot SNAPSHOT = new NodeSnapshot(List.of(
            io(LOOP3, Direction.WRITE, 6, 24576, durations(0, 0.0005, 0.001, 0.25, 0.25, 3.0)),
            io(LOOP3, Direction.READ, 1, 4096, durations(0.002)),
            io(NVME, Direction.READ, 5, 1 << 20,
                    durations(0.00002, 0.00003, 0.0001, 0.0001, 0.0625)),
            io(NVME, Direction.DISCARD, 0, 0, Histogram.empty())),
            List.of(), List.of(),
            List.of(new FilesystemErrors(LOOP3, "ext4", 2)));

    /** A device's IO with only the service stage filled. */
    static DiskIo io(BlockDevice device, Direction direction, long ops, long bytes,
            Histogram service) {
        Histogram none = Histogram.empty();
        return new DiskIo(device, direction, ops, bytes, service, none, none, none, none);
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
