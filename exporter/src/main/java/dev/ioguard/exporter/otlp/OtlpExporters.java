package dev.ioguard.exporter.otlp;

import io.opentelemetry.exporter.otlp.http.logs.OtlpHttpLogRecordExporter;
import io.opentelemetry.exporter.otlp.http.logs.OtlpHttpLogRecordExporterBuilder;
import io.opentelemetry.exporter.otlp.http.metrics.OtlpHttpMetricExporter;
import io.opentelemetry.exporter.otlp.http.metrics.OtlpHttpMetricExporterBuilder;
import io.opentelemetry.exporter.otlp.logs.OtlpGrpcLogRecordExporter;
import io.opentelemetry.exporter.otlp.logs.OtlpGrpcLogRecordExporterBuilder;
import io.opentelemetry.exporter.otlp.metrics.OtlpGrpcMetricExporter;
import io.opentelemetry.exporter.otlp.metrics.OtlpGrpcMetricExporterBuilder;
import io.opentelemetry.sdk.logs.export.LogRecordExporter;
import io.opentelemetry.sdk.metrics.export.MetricExporter;

/**
 * Builds the OpenTelemetry OTLP exporters for a {@link SignalSettings}: gRPC or HTTP/protobuf.
 * The log exporter gets no retry of its own ({@code setRetryPolicy(null)}): {@link OtlpEventSink}
 * retries, counts and bounds every attempt itself. The metric exporter keeps the SDK's default
 * retry (cumulative data: a lost export is made good by the next one). Stateless.
 */
final class OtlpExporters {
    private OtlpExporters() {}

    static MetricExporter metrics(SignalSettings s) {
        return switch (s.protocol()) {
            case GRPC -> {
                OtlpGrpcMetricExporterBuilder b = OtlpGrpcMetricExporter.builder()
                        .setEndpoint(s.endpoint()).setTimeout(s.timeout())
                        .setCompression(s.compression());
                s.headers().forEach(b::addHeader);
                yield b.build();
            }
            case HTTP_PROTOBUF -> {
                OtlpHttpMetricExporterBuilder b = OtlpHttpMetricExporter.builder()
                        .setEndpoint(s.endpoint()).setTimeout(s.timeout())
                        .setCompression(s.compression());
                s.headers().forEach(b::addHeader);
                yield b.build();
            }
        };
    }

    static LogRecordExporter logs(SignalSettings s) {
        return switch (s.protocol()) {
            case GRPC -> {
                OtlpGrpcLogRecordExporterBuilder b = OtlpGrpcLogRecordExporter.builder()
                        .setEndpoint(s.endpoint()).setTimeout(s.timeout())
                        .setCompression(s.compression()).setRetryPolicy(null);
                s.headers().forEach(b::addHeader);
                yield b.build();
            }
            case HTTP_PROTOBUF -> {
                OtlpHttpLogRecordExporterBuilder b = OtlpHttpLogRecordExporter.builder()
                        .setEndpoint(s.endpoint()).setTimeout(s.timeout())
                        .setCompression(s.compression()).setRetryPolicy(null);
                s.headers().forEach(b::addHeader);
                yield b.build();
            }
        };
    }
}
