package dev.ioguard.exporter.devices;

import java.util.ArrayList;
import java.util.List;

/**
 * Parses the text of {@code /proc/partitions} ({@code major minor #blocks name}, one device a line,
 * after a header line and a blank line).
 *
 * <p>Stateless; safe to call from any thread.
 */
final class ProcPartitions {

    /** The devices of one text, in file order, and how many lines were neither a device, the header nor blank. */
    record Parsed(List<BlockDevice> devices, int skippedLines) {}

    private ProcPartitions() {}

    static Parsed parse(String text) {
        List<BlockDevice> devices = new ArrayList<>();
        int skipped = 0;
        for (String line : text.split("\n", -1)) {
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("major")) {
                continue;
            }
            BlockDevice device = parseLine(trimmed);
            if (device == null) {
                skipped++;
            } else {
                devices.add(device);
            }
        }
        return new Parsed(devices, skipped);
    }

    /** One device line, or null when the line is not one: a truncated read or a future format must not crash us. */
    private static BlockDevice parseLine(String line) {
        String[] fields = line.split("\\s+");
        if (fields.length != 4) {
            return null;
        }
        try {
            int major = Integer.parseInt(fields[0]);
            int minor = Integer.parseInt(fields[1]);
            long blocks = Long.parseLong(fields[2]);
            if (major < 0 || minor < 0 || blocks < 0) {
                return null;
            }
            return new BlockDevice(major, minor, fields[3]);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
