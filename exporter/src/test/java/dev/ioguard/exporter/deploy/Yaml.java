package dev.ioguard.exporter.deploy;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * YAML files read as Jackson trees: every document of a file, duplicate keys refused.
 *
 * <p>The mappers are configured once and then only read from, which Jackson allows from any thread.
 */
final class Yaml {
    static final ObjectMapper MAPPER = YAMLMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .build();

    private Yaml() {
    }

    /** Every non-empty document of {@code file}, in order. */
    static List<JsonNode> documents(Path file) {
        try (JsonParser parser = MAPPER.getFactory().createParser(file.toFile())) {
            return documents(parser);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read YAML " + file, e);
        }
    }

    /** Every non-empty document of a YAML text (a stream of documents separated by ---). */
    static List<JsonNode> documents(String text) {
        try (JsonParser parser = MAPPER.getFactory().createParser(text)) {
            return documents(parser);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot parse YAML", e);
        }
    }

    // Not ObjectReader.readValues: that unwraps a document that is a sequence into its elements.
    private static List<JsonNode> documents(JsonParser parser) throws IOException {
        List<JsonNode> docs = new ArrayList<>();
        while (parser.nextToken() != null) {
            JsonNode doc = MAPPER.readTree(parser);
            if (doc != null && !doc.isNull() && !doc.isMissingNode()) {
                docs.add(doc);
            }
        }
        return docs;
    }

    /** The single document of {@code file}; fails if it has none or several. */
    static JsonNode document(Path file) {
        List<JsonNode> docs = documents(file);
        if (docs.size() != 1) {
            throw new IllegalArgumentException(file + ": expected one YAML document, found " + docs.size());
        }
        return docs.get(0);
    }

    static JsonNode parse(String text) {
        try {
            return MAPPER.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot parse YAML", e);
        }
    }

    static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write YAML", e);
        }
    }
}
