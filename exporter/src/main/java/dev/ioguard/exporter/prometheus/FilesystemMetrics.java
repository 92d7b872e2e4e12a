package dev.ioguard.exporter.prometheus;

import dev.ioguard.exporter.snapshot.FilesystemCount;
import dev.ioguard.exporter.snapshot.FilesystemHealth;
import dev.ioguard.exporter.snapshot.MountReadOnly;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricMetadata;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.util.ArrayList;
import java.util.List;

/**
 * The filesystem part of the public contract: {@code ioguard_filesystem_readonly} per mount and the
 * errors, shutdowns and remounts counters per mount point and cause. Stateless.
 */
final class FilesystemMetrics {
    static final String DEVICE = "system_device";
    static final String MOUNTPOINT = "system_filesystem_mountpoint";
    static final String TYPE = "system_filesystem_type";
    static final String CAUSE = "cause";

    private FilesystemMetrics() {}

    static List<MetricSnapshot> of(FilesystemHealth health) {
        List<GaugeDataPointSnapshot> readOnly = new ArrayList<>();
        for (MountReadOnly m : health.readOnly()) {
            readOnly.add(new GaugeDataPointSnapshot(m.readOnly() ? 1 : 0,
                    Labels.of(DEVICE, m.device(), MOUNTPOINT, m.mountPoint(), TYPE, m.fsType()), null));
        }
        return List.of(
                new GaugeSnapshot(new MetricMetadata("ioguard_filesystem_readonly",
                        "1 when writes through the mount fail: a ro mount or superblock, ext4 "
                                + "emergency_ro or shutdown, a shut-down xfs, or an overlay whose upper "
                                + "directory lies on one; else 0."), readOnly),
                counter("ioguard_filesystem_errors", "Filesystem errors the kernel reported "
                        + "(ext4_error, and errors only ext4's errors_count shows), per mount point.",
                        health.errors()),
                counter("ioguard_filesystem_shutdowns", "Filesystem shutdowns (xfs force shutdown, "
                        + "ext4 shutdown), per mount point and cause.", health.shutdowns()),
                counter("ioguard_filesystem_remounts", "Transitions to read-only, per mount point and "
                        + "cause (fs_error, shutdown, admin, unknown).", health.remounts()));
    }

    private static CounterSnapshot counter(String name, String help, List<FilesystemCount> counts) {
        List<CounterDataPointSnapshot> points = new ArrayList<>();
        for (FilesystemCount c : counts) {
            points.add(new CounterDataPointSnapshot(c.count(), Labels.of(DEVICE, c.device(),
                    MOUNTPOINT, c.mountPoint(), TYPE, c.fsType(), CAUSE, c.cause()), null, 0L));
        }
        return new CounterSnapshot(new MetricMetadata(name, help), points);
    }
}
