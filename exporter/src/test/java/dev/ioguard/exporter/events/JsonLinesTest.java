package dev.ioguard.exporter.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonLinesTest {
    @Test
    void writesTimeEventAndSeverityFirstThenAttributesInOrder() {
        Map<String, Object> attributes = new LinkedHashMap<>();
        attributes.put("device", "loop3");
        attributes.put("dev", "7:3");
        attributes.put("line", 42);
        attributes.put("mountpoints", List.of("/mnt/a", "/mnt/b"));
        Event e = new Event("filesystem.error", Severity.ERROR,
                Instant.parse("2026-11-26T20:00:00.123456789Z"), attributes);
        assertEquals("{\"time\":\"2026-11-26T20:00:00.123456789Z\",\"event\":\"filesystem.error\","
                + "\"severity\":\"ERROR\",\"device\":\"loop3\",\"dev\":\"7:3\",\"line\":42,"
                + "\"mountpoints\":[\"/mnt/a\",\"/mnt/b\"]}", JsonLines.format(e));
    }

    @Test
    void escapesQuotesBackslashesAndControlCharacters() {
        Event e = new Event("x", Severity.INFO, Instant.EPOCH,
                Map.of("comm", "a\"b\\c\n\u0001"));
        assertEquals("{\"time\":\"1970-01-01T00:00:00Z\",\"event\":\"x\",\"severity\":\"INFO\","
                + "\"comm\":\"a\\\"b\\\\c\\n\\u0001\"}", JsonLines.format(e));
    }

    @Test
    void rejectsAttributeValuesJsonCannotCarry() {
        assertThrows(IllegalArgumentException.class,
                () -> new Event("x", Severity.INFO, Instant.EPOCH, Map.of("bad", new Object())));
    }
}
