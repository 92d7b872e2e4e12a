package dev.ioguard.exporter.otlp;

import java.util.Locale;

/**
 * The OTLP transports ioguard can send with. {@code http/json} is not offered by the OpenTelemetry
 * Java exporters and is rejected at start-up. Immutable.
 */
public enum OtlpProtocol {
    /** OTLP/gRPC: the OpenTelemetry Java SDK's default, usually port 4317. */
    GRPC("grpc"),
    /** OTLP/HTTP with protobuf bodies, usually port 4318, paths {@code /v1/metrics}, {@code /v1/logs}. */
    HTTP_PROTOBUF("http/protobuf");

    private final String value;

    OtlpProtocol(String value) {
        this.value = value;
    }

    /** The value of {@code OTEL_EXPORTER_OTLP_PROTOCOL} that selects this transport. */
    public String value() {
        return value;
    }

    /** Parses a protocol variable's value; the message of the exception names the variable. */
    static OtlpProtocol parse(String variable, String text) {
        String v = text.strip().toLowerCase(Locale.ROOT);
        for (OtlpProtocol p : values()) {
            if (p.value.equals(v)) {
                return p;
            }
        }
        throw new IllegalArgumentException(variable + ": unsupported OTLP protocol '" + text
                + "' (use grpc or http/protobuf)");
    }
}
