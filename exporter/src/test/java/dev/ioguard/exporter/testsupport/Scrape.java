package dev.ioguard.exporter.testsupport;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * A /metrics scrape taken while the given devices were idle (their /proc/diskstats lines the same
 * just before and 100 ms after it, nothing in flight), with those diskstats: so that exporter and
 * kernel counters can be compared exactly.
 */
public record Scrape(String metrics, Map<String, DiskStats> disks) {

    /** Where a scrape comes from: the exporter as a process, or in a container. */
    @FunctionalInterface
    public interface Metrics {
        /** The /metrics text now. */
        String get() throws Exception;
    }

    public static Scrape whenIdle(ExporterProcess exporter, List<String> devices) throws Exception {
        return whenIdle(() -> exporter.get("/metrics").body(), devices);
    }

    public static Scrape whenIdle(Metrics exporter, List<String> devices) throws Exception {
        for (int attempt = 0; attempt < 100; attempt++) {
            Map<String, DiskStats> first = stats(devices);
            String metrics = exporter.get();
            Thread.sleep(100);
            Map<String, DiskStats> second = stats(devices);
            if (first.equals(second) && second.values().stream().allMatch(d -> d.inFlight() == 0)) {
                return new Scrape(metrics, second);
            }
        }
        throw new AssertionError(devices + " never became idle");
    }

    private static Map<String, DiskStats> stats(List<String> devices) {
        Map<String, DiskStats> stats = new HashMap<>();
        for (String d : devices) {
            stats.put(d, DiskStats.of(d));
        }
        return stats;
    }

    public long counter(String name, String device, String direction) {
        return PrometheusText.counter(metrics, name,
                Map.of("system_device", device, "disk_io_direction", direction));
    }

    /** The exporter's own loss counters in this scrape, for assertion messages. */
    public String lossCounters() {
        StringBuilder out = new StringBuilder();
        for (String line : metrics.split("\n")) {
            if (line.startsWith("ioguard_block_requests_unaccounted_total")
                    || line.startsWith("ioguard_bpf_program_misses_total")) {
                out.append(line).append('\n');
            }
        }
        return out.toString();
    }

    public long ops(String device, String direction) {
        return counter("system_disk_operations_total", device, direction);
    }

    public long bytes(String device, String direction) {
        return counter("system_disk_io_bytes_total", device, direction);
    }

    /** A histogram's _count. */
    public long count(String histogram, String device, String direction) {
        return counter(histogram + "_count", device, direction);
    }

    /** A histogram's _sum. */
    public double sum(String histogram, String device, String direction) {
        return PrometheusText.value(metrics, histogram + "_sum",
                Map.of("system_device", device, "disk_io_direction", direction)).orElse(0);
    }

    /** The cumulative count of a classic bucket; 0 while the histogram has no series yet. */
    public long bucket(String histogram, String device, String direction, String le) {
        Map<String, String> series = Map.of("system_device", device, "disk_io_direction", direction);
        if (PrometheusText.value(metrics, histogram + "_count", series).isEmpty()) {
            return 0;
        }
        OptionalDouble v = PrometheusText.value(metrics, histogram + "_bucket",
                Map.of("system_device", device, "disk_io_direction", direction, "le", le));
        return (long) v.orElseThrow(() -> new AssertionError(
                "no bucket le=" + le + " of " + histogram + " for " + device + "/" + direction));
    }
}
