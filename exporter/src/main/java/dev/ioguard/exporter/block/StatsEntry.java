package dev.ioguard.exporter.block;

import dev.ioguard.exporter.histogram.Histogram;
import java.util.List;

/**
 * One decoded entry of a per-device statistics map; device numbers in the kernel encoding,
 * histograms in the order of the C struct.
 */
record StatsEntry(int diskDev, int partDev, int direction, long operations, long bytes,
        List<Histogram> histograms) {
    StatsEntry {
        histograms = List.copyOf(histograms);
    }
}
