package dev.ioguard.exporter.otlp;

import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCalls;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A test OTLP/gRPC receiver on loopback (plaintext HTTP/2): the collector's
 * {@code MetricsService/Export} and {@code LogsService/Export} methods, whose requests are decoded
 * with the opentelemetry-proto classes and kept. Safe for use from the test thread while gRPC
 * threads record requests.
 */
final class OtlpGrpcReceiver implements AutoCloseable {
    private static final MethodDescriptor.Marshaller<byte[]> BYTES = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
            try {
                return stream.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    };

    private final List<ExportMetricsServiceRequest> metrics = new CopyOnWriteArrayList<>();
    private final List<ExportLogsServiceRequest> logs = new CopyOnWriteArrayList<>();
    private final Server server;

    private OtlpGrpcReceiver() throws IOException {
        server = NettyServerBuilder.forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .addService(service("opentelemetry.proto.collector.metrics.v1.MetricsService", body -> {
                    metrics.add(ExportMetricsServiceRequest.parseFrom(body));
                    return ExportMetricsServiceResponse.getDefaultInstance().toByteArray();
                }))
                .addService(service("opentelemetry.proto.collector.logs.v1.LogsService", body -> {
                    logs.add(ExportLogsServiceRequest.parseFrom(body));
                    return ExportLogsServiceResponse.getDefaultInstance().toByteArray();
                }))
                .build().start();
    }

    static OtlpGrpcReceiver start() throws IOException {
        return new OtlpGrpcReceiver();
    }

    String endpoint() {
        return "http://127.0.0.1:" + server.getPort();
    }

    List<ExportMetricsServiceRequest> metricRequests() {
        return List.copyOf(metrics);
    }

    List<ExportLogsServiceRequest> logRequests() {
        return List.copyOf(logs);
    }

    private interface Handler {
        byte[] handle(byte[] request) throws IOException;
    }

    private static ServerServiceDefinition service(String name, Handler handler) {
        MethodDescriptor<byte[], byte[]> export = MethodDescriptor.<byte[], byte[]>newBuilder()
                .setType(MethodDescriptor.MethodType.UNARY)
                .setFullMethodName(MethodDescriptor.generateFullMethodName(name, "Export"))
                .setRequestMarshaller(BYTES).setResponseMarshaller(BYTES).build();
        return ServerServiceDefinition.builder(name)
                .addMethod(export, ServerCalls.asyncUnaryCall((request, response) -> {
                    try {
                        response.onNext(handler.handle(request));
                        response.onCompleted();
                    } catch (IOException | RuntimeException e) {
                        response.onError(io.grpc.Status.INVALID_ARGUMENT.withCause(e)
                                .withDescription(e.toString()).asRuntimeException());
                    }
                }))
                .build();
    }

    @Override
    public void close() {
        try {
            server.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
