package dev.ioguard.exporter.prometheus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ioguard.exporter.devices.BlockDevice;
import dev.ioguard.exporter.histogram.Histogram;
import dev.ioguard.exporter.snapshot.Direction;
import dev.ioguard.exporter.snapshot.DiskErrors;
import dev.ioguard.exporter.snapshot.DiskInflight;
import dev.ioguard.exporter.snapshot.DiskIo;
import dev.ioguard.exporter.snapshot.FilesystemCount;
import dev.ioguard.exporter.snapshot.FilesystemHealth;
import dev.ioguard.exporter.snapshot.MountReadOnly;
import dev.ioguard.exporter.snapshot.NodeSnapshot;
import dev.ioguard.exporter.testsupport.Histograms;
import io.prometheus.metrics.expositionformats.PrometheusProtobufWriter;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.expositionformats.generated.com_google_protobuf_4_36_2.Metrics;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class KernelMetricsTest {


    private static DiskIo io(Direction direction, long ops, long bytes, Histogram service) {
        Histogram none = Histogram.empty();
        return new DiskIo(new BlockDevice(7, 3, "loop3"), direction, ops, bytes, service, none,
                none, none, none);
    }

    private static final NodeSnapshot SNAPSHOT = new NodeSnapshot(List.of(
            io(Direction.WRITE, 4, 16384, Histograms.durations(0.0005, 0.001, 0.25, 0.25)),
            io(Direction.READ, 1, 4096, Histograms.durations(0.002))),
            List.of(new DiskInflight(new BlockDevice(7, 3, "loop3"), 3)),
            List.of(new DiskErrors(new BlockDevice(7, 3, "loop3"), Direction.WRITE, "io", 12)),
            new FilesystemHealth(
                    List.of(new MountReadOnly("loop3", "/data", "ext4", true),
                            new MountReadOnly("loop3", "/srv/bind", "ext4", true),
                            new MountReadOnly("loop3", "/merged", "overlay", true),
                            new MountReadOnly("vda", "/", "ext4", false)),
                    List.of(new FilesystemCount("loop3", "/data", "ext4", "fs_error", 2),
                            new FilesystemCount("loop3", "/srv/bind", "ext4", "fs_error", 2)),
                    List.of(new FilesystemCount("loop4", "/logs", "xfs", "admin", 1)),
                    List.of(new FilesystemCount("loop3", "/data", "ext4", "fs_error", 1),
                            new FilesystemCount("loop3", "/srv/bind", "ext4", "fs_error", 1))));

    private static String text() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrometheusTextFormatWriter.create().write(out, new KernelMetrics(() -> SNAPSHOT).collect());
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void countersUseTheContractNames() throws IOException {
        String text = text();
        assertTrue(text.contains(
                "system_disk_operations_total{disk_io_direction=\"write\",system_device=\"loop3\"} 4.0"),
                text);
        assertTrue(text.contains(
                "system_disk_io_bytes_total{disk_io_direction=\"read\",system_device=\"loop3\"} 4096.0"),
                text);
        assertTrue(text.contains("ioguard_disk_inflight_requests{system_device=\"loop3\"} 3.0"), text);
        assertTrue(text.contains("ioguard_disk_request_errors_total{disk_io_direction=\"write\","
                + "error_type=\"io\",system_device=\"loop3\"} 12.0"), text);
    }

    @Test
    void aStageWithoutSamplesHasNoSeries() throws IOException {
        String text = text();
        assertTrue(text.contains("ioguard_disk_service_duration_seconds_count"), text);
        assertTrue(!text.contains("ioguard_disk_queue_duration_seconds_count"), text);
    }

    @Test
    void filesystemStateIsAGaugePerMountAndCountersPerMountPointAndCause() throws IOException {
        String text = text();
        assertTrue(text.contains("ioguard_filesystem_readonly{system_device=\"loop3\","
                + "system_filesystem_mountpoint=\"/srv/bind\",system_filesystem_type=\"ext4\"} 1.0"), text);
        assertTrue(text.contains("ioguard_filesystem_readonly{system_device=\"loop3\","
                + "system_filesystem_mountpoint=\"/merged\",system_filesystem_type=\"overlay\"} 1.0"), text);
        assertTrue(text.contains("ioguard_filesystem_readonly{system_device=\"vda\","
                + "system_filesystem_mountpoint=\"/\",system_filesystem_type=\"ext4\"} 0.0"), text);
        assertTrue(text.contains("ioguard_filesystem_errors_total{cause=\"fs_error\",system_device=\"loop3\","
                + "system_filesystem_mountpoint=\"/data\",system_filesystem_type=\"ext4\"} 2.0"), text);
        assertTrue(text.contains("ioguard_filesystem_shutdowns_total{cause=\"admin\",system_device=\"loop4\","
                + "system_filesystem_mountpoint=\"/logs\",system_filesystem_type=\"xfs\"} 1.0"), text);
        assertTrue(text.contains("ioguard_filesystem_remounts_total{cause=\"fs_error\",system_device=\"loop3\","
                + "system_filesystem_mountpoint=\"/srv/bind\",system_filesystem_type=\"ext4\"} 1.0"), text);
        assertTrue(text.contains("# TYPE ioguard_filesystem_readonly gauge"), text);
    }

    @Test
    void textScrapeHasClassicPowerOfTwoBucketsConsistentWithCountAndSum() throws IOException {
        String text = text();
        String labels = "disk_io_direction=\"write\",system_device=\"loop3\"";
        // 0.5 ms and 1 ms are <= 2^-9 s (1.95 ms); 0.25 s twice is <= 2^-2 s exactly (upper-inclusive).
        assertTrue(text.contains("ioguard_disk_service_duration_seconds_bucket{" + labels
                + ",le=\"0.001953125\"} 2"), text);
        assertTrue(text.contains("ioguard_disk_service_duration_seconds_bucket{" + labels
                + ",le=\"0.125\"} 2"), text);
        assertTrue(text.contains("ioguard_disk_service_duration_seconds_bucket{" + labels
                + ",le=\"0.25\"} 4"), text);
        assertTrue(text.contains("ioguard_disk_service_duration_seconds_bucket{" + labels
                + ",le=\"+Inf\"} 4"), text);
        assertTrue(text.contains("ioguard_disk_service_duration_seconds_count{" + labels + "} 4"), text);
        double sum = Double.parseDouble(text.replaceAll("(?s).*ioguard_disk_service_duration_seconds_sum\\{"
                + java.util.regex.Pattern.quote(labels) + "\\} ([0-9.eE-]+).*", "$1"));
        assertEquals(0.5015, sum, 1e-9);
    }

    @Test
    void protobufScrapeCarriesNativeBucketsWithTheSameCountAndSum() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new PrometheusProtobufWriter().write(out, new KernelMetrics(() -> SNAPSHOT).collect());
        List<Metrics.MetricFamily> families = new ArrayList<>();
        ByteArrayInputStream in = new ByteArrayInputStream(out.toByteArray());
        Metrics.MetricFamily f;
        while ((f = Metrics.MetricFamily.parseDelimitedFrom(in)) != null) {
            families.add(f);
        }
        Metrics.MetricFamily service = families.stream()
                .filter(m -> m.getName().equals("ioguard_disk_service_duration_seconds"))
                .findFirst().orElseThrow();
        Metrics.Histogram h = service.getMetricList().stream()
                .filter(m -> m.getLabelList().stream().anyMatch(
                        l -> l.getName().equals("disk_io_direction") && l.getValue().equals("write")))
                .findFirst().orElseThrow().getHistogram();
        assertEquals(3, h.getSchema());
        long nativeCount = h.getZeroCount();
        long running = 0;
        int index = 0;
        List<Integer> indexes = new ArrayList<>();
        for (int s = 0; s < h.getPositiveSpanCount(); s++) {
            index += h.getPositiveSpan(s).getOffset();
            for (int i = 0; i < h.getPositiveSpan(s).getLength(); i++) {
                indexes.add(index++);
            }
        }
        for (long delta : h.getPositiveDeltaList()) {
            running += delta;
            nativeCount += running;
        }
        assertEquals(h.getSampleCount(), nativeCount);
        assertEquals(4, h.getSampleCount());
        assertEquals(0.5015, h.getSampleSum(), 1e-9);
        // 0.25 s = 2^-2 s closes native bucket index 8 * -2 = -16 (schema 3: (2^((i-1)/8), 2^(i/8)]).
        assertTrue(indexes.contains(-16), indexes.toString());
    }
}
