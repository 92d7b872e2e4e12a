package dev.ioguard.exporter.otlp;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Typed reads of environment variables with errors that name the variable: the one place that
 * turns OTEL_* and IOGUARD_OTLP_* text into values. Unset and blank are the same. Immutable.
 */
final class EnvironmentVariables {
    private final Map<String, String> env;

    EnvironmentVariables(Map<String, String> env) {
        this.env = Map.copyOf(env);
    }

    /** The value, stripped, when set and not blank. */
    Optional<String> string(String name) {
        String v = env.get(name);
        return v == null || v.isBlank() ? Optional.empty() : Optional.of(v.strip());
    }

    /** The first of the variables that is set: the signal-specific one before the general one. */
    Optional<String> firstSet(String... names) {
        for (String n : names) {
            if (string(n).isPresent()) {
                return Optional.of(n);
            }
        }
        return Optional.empty();
    }

    boolean bool(String name, boolean defaultValue) {
        return string(name).map(v -> switch (v.toLowerCase(java.util.Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException(
                    name + ": expected true or false, got '" + v + "'");
        }).orElse(defaultValue);
    }

    /** A positive whole number of milliseconds, as every OTEL_* duration is given. */
    Duration millis(String name, Duration defaultValue) {
        return string(name).map(v -> Duration.ofMillis(positiveLong(name, v, "milliseconds")))
                .orElse(defaultValue);
    }

    int positiveInt(String name, int defaultValue) {
        return string(name).map(v -> {
            long n = positiveLong(name, v, "attempts");
            if (n > Integer.MAX_VALUE) {
                throw new IllegalArgumentException(name + ": " + v + " is too large");
            }
            return (int) n;
        }).orElse(defaultValue);
    }

    private static long positiveLong(String name, String v, String what) {
        long n;
        try {
            n = Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    name + ": expected a whole number of " + what + ", got '" + v + "'");
        }
        if (n < 1) {
            throw new IllegalArgumentException(name + ": must be at least 1, got " + n);
        }
        return n;
    }

    /**
     * A list {@code key1=value1,key2=value2} as OTEL_EXPORTER_OTLP_HEADERS and
     * OTEL_RESOURCE_ATTRIBUTES are written (W3C Baggage style): keys and values stripped, values
     * percent-decoded ({@code +} stays a plus: base64 tokens survive). Empty members are skipped.
     */
    Map<String, String> keyValueList(String name) {
        Map<String, String> out = new LinkedHashMap<>();
        Optional<String> text = string(name);
        if (text.isEmpty()) {
            return out;
        }
        for (String member : text.get().split(",")) {
            if (member.isBlank()) {
                continue;
            }
            int eq = member.indexOf('=');
            String key = eq < 0 ? "" : member.substring(0, eq).strip();
            if (eq < 0 || key.isEmpty()) {
                throw new IllegalArgumentException(name + ": '" + member.strip()
                        + "' is not key=value (expected key1=value1,key2=value2)");
            }
            out.put(key, percentDecode(name, member.substring(eq + 1).strip()));
        }
        return out;
    }

    private static String percentDecode(String name, String s) {
        if (s.indexOf('%') < 0) {
            return s;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '%') {
                bytes.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
                continue;
            }
            int hi = i + 2 < s.length() ? Character.digit(s.charAt(i + 1), 16) : -1;
            int lo = i + 2 < s.length() ? Character.digit(s.charAt(i + 2), 16) : -1;
            if (hi < 0 || lo < 0) {
                throw new IllegalArgumentException(name + ": bad percent-encoding in '" + s + "'");
            }
            bytes.write(hi * 16 + lo);
            i += 2;
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
