package dev.ioguard.exporter.bpf;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The fields of a classic tracepoint as its tracefs format file lists them
 * ({@code events/<category>/<name>/format}): where each lies in the trace entry a BPF tracepoint
 * program gets as its context. Needs no kernel BTF. Immutable.
 */
public record TracepointFormat(String tracepoint, Map<String, Field> fields) {
    /** One field: its byte offset and size in the entry. */
    public record Field(String name, int offset, int size) {}

    // e.g. "	field:char rwbs[10];	offset:34;	size:10;	signed:0;"
    private static final Pattern FIELD = Pattern.compile(
            "^\\s*field:(.*?)([A-Za-z_][A-Za-z0-9_]*)(\\[[^\\]]*\\])?;\\s*offset:(\\d+);\\s*size:(\\d+);",
            Pattern.MULTILINE);

    public TracepointFormat {
        fields = Map.copyOf(fields);
    }

    /** Parses the text of a format file. */
    public static TracepointFormat parse(String tracepoint, String text) {
        Map<String, Field> fields = new LinkedHashMap<>();
        Matcher m = FIELD.matcher(text);
        while (m.find()) {
            String name = m.group(2);
            fields.put(name, new Field(name, Integer.parseInt(m.group(4)), Integer.parseInt(m.group(5))));
        }
        if (fields.isEmpty()) {
            throw new IllegalArgumentException("format of " + tracepoint + " lists no fields");
        }
        return new TracepointFormat(tracepoint, fields);
    }

    /**
     * Reads {@code events/<category>/<name>/format} under the tracefs mount {@code tracefs};
     * empty when the kernel has no such tracepoint.
     */
    public static Optional<TracepointFormat> read(Path tracefs, String category, String name)
            throws IOException {
        Path file = tracefs.resolve("events").resolve(category).resolve(name).resolve("format");
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        return Optional.of(parse(category + ":" + name, Files.readString(file)));
    }

    public Optional<Field> field(String name) {
        return Optional.ofNullable(fields.get(name));
    }
}
