package dev.ioguard.exporter.mounts;

import java.util.List;

/**
 * Parses one line of {@code /proc/<pid>/mountinfo} (proc(5)):
 * <pre>
 * 36 35 98:0 /mnt1 /mnt/parent rw,noatime master:1 - ext3 /dev/root rw,errors=continue
 * (1)(2) (3)  (4)      (5)         (6)     (7)    (8) (9)    (10)        (11)
 * </pre>
 * Zero or more optional fields (7) end at the {@code -} separator (8). Spaces inside fields are always
 * escaped, so fields split at single spaces; the source (10) may be empty.
 *
 * <p>Stateless; safe to call from any thread.
 */
final class MountinfoParser {

    private static final String SEPARATOR = " - ";

    private MountinfoParser() {}

    /** The mount a line describes, or null when the line does not have mountinfo's shape. */
    static MountInfo parseLine(String line) {
        int separator = line.indexOf(SEPARATOR);
        if (separator < 0) {
            return null;
        }
        String[] before = line.substring(0, separator).split(" ", -1);
        String[] after = line.substring(separator + SEPARATOR.length()).split(" ", -1);
        if (before.length < 6 || after.length != 3 || after[0].isEmpty()) {
            return null;
        }
        for (int i = 6; i < before.length; i++) {
            if (before[i].isEmpty()) {
                return null;
            }
        }
        int mountId = nonNegative(before[0]);
        int parentId = nonNegative(before[1]);
        int colon = before[2].indexOf(':');
        if (mountId < 0 || parentId < 0 || colon < 0) {
            return null;
        }
        int major = nonNegative(before[2].substring(0, colon));
        int minor = nonNegative(before[2].substring(colon + 1));
        String mountPoint = MountinfoEscapes.decodeOctal(before[4]);
        if (major < 0 || minor < 0 || before[3].isEmpty() || !mountPoint.startsWith("/")) {
            return null;
        }
        List<String> mountOptions = MountinfoEscapes.splitOptions(before[5]);
        return new MountInfo(
                mountId,
                parentId,
                major,
                minor,
                MountinfoEscapes.decodeOctal(before[3]),
                mountPoint,
                mountOptions,
                MountinfoEscapes.decodeOctal(after[0]),
                MountinfoEscapes.decodeOctal(after[1]),
                MountinfoEscapes.splitOptions(after[2]));
    }

    /** The value of a decimal field, or -1 when it is not a non-negative int. */
    private static int nonNegative(String field) {
        if (field.isEmpty() || field.length() > 10) {
            return -1;
        }
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
        }
        long value = Long.parseLong(field);
        return value <= Integer.MAX_VALUE ? (int) value : -1;
    }
}
