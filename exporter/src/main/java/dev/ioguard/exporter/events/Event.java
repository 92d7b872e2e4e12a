package dev.ioguard.exporter.events;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One event for people and alerting (e.g. {@code filesystem.error}): a name, a severity, when it
 * happened, and ordered attributes whose values are strings, numbers, booleans or lists of strings.
 * Immutable.
 */
public record Event(String name, Severity severity, Instant time, Map<String, Object> attributes) {
    public Event {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(time, "time");
        for (Map.Entry<String, Object> a : attributes.entrySet()) {
            Object v = a.getValue();
            if (!(v instanceof String || v instanceof Number || v instanceof Boolean
                    || v instanceof java.util.List<?>)) {
                throw new IllegalArgumentException("attribute " + a.getKey() + " has unsupported "
                        + (v == null ? "null" : v.getClass().getSimpleName()) + " value");
            }
        }
        attributes = Collections.unmodifiableMap(new LinkedHashMap<>(attributes));
    }
}
