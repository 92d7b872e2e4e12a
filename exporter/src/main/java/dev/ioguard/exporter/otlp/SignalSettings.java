package dev.ioguard.exporter.otlp;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * Where and how one signal (metrics or logs) is sent: the final endpoint URL handed to the
 * OpenTelemetry exporter, the transport, extra headers, the per-request timeout and compression
 * ({@code gzip} or {@code none}). Immutable.
 */
public record SignalSettings(String endpoint, OtlpProtocol protocol, Map<String, String> headers,
        Duration timeout, String compression) {
    public SignalSettings {
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(compression, "compression");
        headers = Map.copyOf(headers);
    }

    /** Headers are often credentials: never print their values. */
    @Override
    public String toString() {
        return "SignalSettings[" + protocol.value() + " " + endpoint + ", headers "
                + headers.keySet() + ", timeout " + timeout.toMillis() + " ms, compression "
                + compression + "]";
    }
}
