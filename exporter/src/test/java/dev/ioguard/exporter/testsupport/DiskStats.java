package dev.ioguard.exporter.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One device's line of /proc/diskstats: the kernel's own counters, the oracle the exporter must
 * equal. Fields per Documentation/admin-guide/iostats.rst.
 */
public record DiskStats(long readsCompleted, long sectorsRead, long writesCompleted,
        long sectorsWritten, long discardsCompleted, long inFlight) {

    public static DiskStats of(String device) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/diskstats"))) {
                String[] f = line.trim().split("\\s+");
                if (f.length >= 14 && f[2].equals(device)) {
                    return new DiskStats(Long.parseLong(f[3]), Long.parseLong(f[5]),
                            Long.parseLong(f[7]), Long.parseLong(f[9]),
                            f.length > 14 ? Long.parseLong(f[14]) : 0, Long.parseLong(f[11]));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        throw new IllegalArgumentException(device + " is not in /proc/diskstats");
    }

    public DiskStats minus(DiskStats before) {
        return new DiskStats(readsCompleted - before.readsCompleted,
                sectorsRead - before.sectorsRead, writesCompleted - before.writesCompleted,
                sectorsWritten - before.sectorsWritten, discardsCompleted - before.discardsCompleted,
                inFlight);
    }
}
