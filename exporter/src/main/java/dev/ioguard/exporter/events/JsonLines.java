package dev.ioguard.exporter.events;

import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;

/**
 * Formats an event as one JSON object on one line: {@code time} (RFC 3339, UTC), {@code event},
 * {@code severity}, then the attributes in order. Stateless.
 */
public final class JsonLines {
    private JsonLines() {}

    public static String format(Event event) {
        StringBuilder out = new StringBuilder(256);
        out.append('{');
        field(out, "time", DateTimeFormatter.ISO_INSTANT.format(event.time()));
        out.append(',');
        field(out, "event", event.name());
        out.append(',');
        field(out, "severity", event.severity().text());
        for (Map.Entry<String, Object> a : event.attributes().entrySet()) {
            out.append(',');
            field(out, a.getKey(), a.getValue());
        }
        return out.append('}').toString();
    }

    private static void field(StringBuilder out, String name, Object value) {
        string(out, name);
        out.append(':');
        value(out, value);
    }

    private static void value(StringBuilder out, Object value) {
        switch (value) {
            case String s -> string(out, s);
            case Boolean b -> out.append(b);
            case Double d when d.isNaN() || d.isInfinite() -> string(out, d.toString());
            case Float f when f.isNaN() || f.isInfinite() -> string(out, f.toString());
            case Number n -> out.append(n);
            case List<?> list -> {
                out.append('[');
                for (int i = 0; i < list.size(); i++) {
                    if (i > 0) {
                        out.append(',');
                    }
                    value(out, list.get(i));
                }
                out.append(']');
            }
            default -> string(out, String.valueOf(value));
        }
    }

    private static void string(StringBuilder out, String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
