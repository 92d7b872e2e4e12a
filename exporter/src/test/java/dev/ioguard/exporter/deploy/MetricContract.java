package dev.ioguard.exporter.deploy;

import java.util.Set;
import java.util.TreeSet;

/**
 * The Prometheus names that dashboards and rules may use: the public contract of DESIGN.md ("Names:
 * the public contract") and the exporter's self metrics, plus Prometheus's own {@code up} and
 * {@code ALERTS}. A histogram may be read as its native series (the base name) or as its classic
 * {@code _bucket}, {@code _count} and {@code _sum} series.
 *
 * <p>Immutable constants; safe from any thread.
 */
final class MetricContract {
    static final Set<String> COUNTERS = Set.of(
            "system_disk_operations_total",
            "system_disk_io_bytes_total",
            "ioguard_disk_request_errors_total",
            "ioguard_filesystem_errors_total",
            "ioguard_filesystem_shutdowns_total",
            "ioguard_filesystem_remounts_total",
            "ioguard_events_dropped_total",
            "ioguard_events_received_total",
            "ioguard_events_delivered_total");

    static final Set<String> GAUGES = Set.of(
            "ioguard_disk_inflight_requests",
            "ioguard_filesystem_readonly",
            "ioguard_hook_live");

    static final Set<String> HISTOGRAMS = Set.of(
            "ioguard_disk_request_duration_seconds",
            "ioguard_disk_queue_duration_seconds",
            "ioguard_disk_service_duration_seconds",
            "ioguard_disk_request_size_bytes",
            "ioguard_disk_queue_depth");

    static final Set<String> PROMETHEUS = Set.of("up", "ALERTS");

    /** Every series name a query may select. */
    static final Set<String> SERIES = series();

    private MetricContract() {
    }

    private static Set<String> series() {
        Set<String> all = new TreeSet<>(COUNTERS);
        all.addAll(GAUGES);
        all.addAll(PROMETHEUS);
        for (String h : HISTOGRAMS) {
            all.add(h);
            all.add(h + "_bucket");
            all.add(h + "_count");
            all.add(h + "_sum");
        }
        return Set.copyOf(all);
    }
}
