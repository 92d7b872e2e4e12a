package dev.ioguard.exporter.block;

import dev.ioguard.exporter.histogram.Histogram;

/** One entry of the kernel's rq_stats map, as decoded; device numbers in the kernel encoding. */
record RequestStatsEntry(int diskDev, int partDev, int direction, long operations, long bytes,
        Histogram service) {}
