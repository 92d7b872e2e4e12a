package dev.ioguard.exporter.mounts;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The escaping rules of {@code /proc/self/mountinfo} and of overlayfs options.
 *
 * <p>Stateless; safe to call from any thread.
 *
 * <p>The kernel writes space, tab, newline and backslash in paths as octal escapes ({@code \040},
 * {@code \011}, {@code \012}, {@code \134}), and in option values also the comma ({@code \054}), so raw
 * commas always separate options. overlayfs keeps its own backslash escapes inside option values: on
 * Linux 6.18 an upper directory {@code up,per} given as {@code upperdir=up\,per} is shown as
 * {@code upperdir=up\134\054per} (measured), which decodes to {@code up\,per}.
 */
final class MountinfoEscapes {

    private MountinfoEscapes() {}

    /** Decodes {@code \ooo} octal escapes; a backslash not followed by three octal digits is kept as it is. */
    static String decodeOctal(String field) {
        int first = field.indexOf('\\');
        if (first < 0) {
            return field;
        }
        StringBuilder out = new StringBuilder(field.length());
        out.append(field, 0, first);
        // Escaped bytes are collected and decoded together, so an escaped multi-byte UTF-8 sequence survives.
        ByteArrayOutputStream pending = new ByteArrayOutputStream();
        int i = first;
        while (i < field.length()) {
            int value = octalAt(field, i);
            if (value >= 0) {
                pending.write(value);
                i += 4;
                continue;
            }
            flush(pending, out);
            out.append(field.charAt(i));
            i++;
        }
        flush(pending, out);
        return out.toString();
    }

    /**
     * Splits a raw (still escaped) option field at commas that no backslash escapes, then decodes each
     * option. Empty options are dropped.
     */
    static List<String> splitOptions(String rawField) {
        List<String> options = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < rawField.length(); i++) {
            char c = rawField.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == ',') {
                addOption(options, rawField.substring(start, i));
                start = i + 1;
            }
        }
        addOption(options, rawField.substring(start));
        return List.copyOf(options);
    }

    /** Removes overlayfs's own escapes from a decoded option value: a backslash stands for the character after it. */
    static String unescapeOverlay(String value) {
        if (value.indexOf('\\') < 0) {
            return value;
        }
        StringBuilder out = new StringBuilder(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\\' && i + 1 < value.length()) {
                i++;
                c = value.charAt(i);
            }
            out.append(c);
        }
        return out.toString();
    }

    private static void addOption(List<String> options, String raw) {
        if (!raw.isEmpty()) {
            options.add(decodeOctal(raw));
        }
    }

    private static int octalAt(String s, int i) {
        if (s.charAt(i) != '\\' || i + 4 > s.length()) {
            return -1;
        }
        int value = 0;
        for (int k = 1; k <= 3; k++) {
            char d = s.charAt(i + k);
            if (d < '0' || d > '7') {
                return -1;
            }
            value = value * 8 + (d - '0');
        }
        return value <= 0377 ? value : -1;
    }

    private static void flush(ByteArrayOutputStream pending, StringBuilder out) {
        if (pending.size() > 0) {
            out.append(pending.toString(StandardCharsets.UTF_8));
            pending.reset();
        }
    }
}
