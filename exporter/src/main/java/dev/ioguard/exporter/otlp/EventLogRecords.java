package dev.ioguard.exporter.otlp;

import dev.ioguard.exporter.events.Event;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.logs.LogRecordBuilder;
import io.opentelemetry.api.logs.Severity;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * An {@link Event} as an OpenTelemetry log record: the event name in the record's EventName field
 * (not the deprecated {@code event.name} attribute), severity number and text from
 * {@link dev.ioguard.exporter.events.Severity}, the event's time as the timestamp, and its
 * attributes with their types (whole numbers as int64, fractions as double, lists as string
 * arrays). Stateless.
 */
final class EventLogRecords {
    private EventLogRecords() {}

    static void fill(LogRecordBuilder record, Event event, Instant observed) {
        record.setEventName(event.name())
                .setTimestamp(event.time())
                .setObservedTimestamp(observed)
                .setSeverity(severity(event.severity()))
                .setSeverityText(event.severity().text())
                .setAllAttributes(attributes(event.attributes()));
    }

    static Severity severity(dev.ioguard.exporter.events.Severity severity) {
        for (Severity s : Severity.values()) {
            if (s.getSeverityNumber() == severity.number()) {
                return s;
            }
        }
        return Severity.UNDEFINED_SEVERITY_NUMBER;
    }

    static Attributes attributes(Map<String, Object> attributes) {
        AttributesBuilder b = Attributes.builder();
        for (Map.Entry<String, Object> a : attributes.entrySet()) {
            String key = a.getKey();
            switch (a.getValue()) {
                case String s -> b.put(key, s);
                case Boolean v -> b.put(key, v);
                case Double d -> b.put(key, d);
                case Float f -> b.put(key, f.doubleValue());
                // Exact decimal text: no precision is lost in the double conversion.
                case BigInteger i -> b.put(key, i.toString());
                case BigDecimal d -> b.put(key, d.toPlainString());
                case Number n -> b.put(key, n.longValue());
                case List<?> list -> b.put(AttributeKey.stringArrayKey(key),
                        list.stream().map(String::valueOf).toList());
                default -> b.put(key, String.valueOf(a.getValue()));
            }
        }
        return b.build();
    }
}
