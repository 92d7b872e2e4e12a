package dev.ioguard.exporter.testsupport;

/**
 * The block histograms' Prometheus names, spelled out once for the tests: they are a public
 * contract (dashboards and alerts query them), so tests name them literally, not through the
 * exporter's own constants.
 */
public final class DiskHistograms {
    public static final String SERVICE = "ioguard_disk_service_duration_seconds";
    public static final String QUEUE = "ioguard_disk_queue_duration_seconds";
    public static final String TOTAL = "ioguard_disk_request_duration_seconds";
    public static final String SIZE = "ioguard_disk_request_size_bytes";
    public static final String DEPTH = "ioguard_disk_queue_depth";

    private DiskHistograms() {
    }
}
