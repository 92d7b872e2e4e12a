package dev.ioguard.exporter.testsupport;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.zip.GZIPInputStream;

/**
 * A test OTLP/HTTP receiver on loopback: accepts {@code POST /v1/metrics} and {@code /v1/logs}
 * with {@code application/x-protobuf} bodies (gzip or not), decodes them with the
 * opentelemetry-proto classes and keeps every request. It can be stopped and started again on
 * the same port (a collector that is down, then back) and told to answer the next requests with
 * an error status. Safe for use from the test thread while the server threads record requests.
 */
public final class OtlpHttpReceiver implements AutoCloseable {
    private final int port;
    private final List<ExportMetricsServiceRequest> metrics = new CopyOnWriteArrayList<>();
    private final List<ExportLogsServiceRequest> logs = new CopyOnWriteArrayList<>();
    private final List<String> problems = new CopyOnWriteArrayList<>();
    private final AtomicInteger failuresToAnswer = new AtomicInteger();
    private volatile int failureStatus = 503;
    private final AtomicInteger failuresAnswered = new AtomicInteger();
    private HttpServer server;
    private ExecutorService executor;
    private boolean running;

    private OtlpHttpReceiver(int port) throws IOException {
        bind(port);
        this.port = server.getAddress().getPort();
    }

    /** A receiver listening on an ephemeral loopback port. */
    public static OtlpHttpReceiver start() throws IOException {
        return new OtlpHttpReceiver(0);
    }

    private synchronized void bind(int p) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), p), 16);
        executor = Executors.newFixedThreadPool(2,
                Thread.ofPlatform().daemon().name("otlp-receiver-", 0).factory());
        server.setExecutor(executor);
        server.createContext("/v1/metrics", this::metrics);
        server.createContext("/v1/logs", this::logs);
        server.start();
        running = true;
    }

    /** Base URL for OTEL_EXPORTER_OTLP_ENDPOINT. */
    public String endpoint() {
        return "http://127.0.0.1:" + port;
    }

    /** The collector goes away: the port refuses connections. */
    public synchronized void stop() {
        if (running) {
            running = false;
            server.stop(0);
            executor.shutdownNow();
        }
    }

    /** The collector comes back on the same port. */
    public synchronized void restart() throws IOException {
        bind(port);
    }

    /** The next {@code n} requests are answered with {@code status} and not recorded. */
    public void failNext(int n, int status) {
        failureStatus = status;
        failuresToAnswer.set(n);
    }

    public int failuresAnswered() {
        return failuresAnswered.get();
    }

    public List<ExportMetricsServiceRequest> metricRequests() {
        return List.copyOf(metrics);
    }

    public List<ExportLogsServiceRequest> logRequests() {
        return List.copyOf(logs);
    }

    /** Every log record received, in arrival order. */
    public List<LogRecord> logRecords() {
        List<LogRecord> out = new ArrayList<>();
        for (ExportLogsServiceRequest r : logs) {
            for (ResourceLogs rl : r.getResourceLogsList()) {
                for (ScopeLogs sl : rl.getScopeLogsList()) {
                    out.addAll(sl.getLogRecordsList());
                }
            }
        }
        return out;
    }

    /** Requests that were not what an OTLP exporter must send (wrong method or content type). */
    public List<String> problems() {
        return List.copyOf(problems);
    }

    private void metrics(HttpExchange exchange) throws IOException {
        byte[] body = body(exchange);
        if (body == null || answeredWithFailure(exchange)) {
            return;
        }
        metrics.add(ExportMetricsServiceRequest.parseFrom(body));
        respond(exchange, 200, ExportMetricsServiceResponse.getDefaultInstance().toByteArray());
    }

    private void logs(HttpExchange exchange) throws IOException {
        byte[] body = body(exchange);
        if (body == null || answeredWithFailure(exchange)) {
            return;
        }
        logs.add(ExportLogsServiceRequest.parseFrom(body));
        respond(exchange, 200, ExportLogsServiceResponse.getDefaultInstance().toByteArray());
    }

    private boolean answeredWithFailure(HttpExchange exchange) throws IOException {
        if (failuresToAnswer.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            failuresAnswered.incrementAndGet();
            respond(exchange, failureStatus, new byte[0]);
            return true;
        }
        return false;
    }

    private byte[] body(HttpExchange exchange) throws IOException {
        String type = exchange.getRequestHeaders().getFirst("Content-Type");
        if (!exchange.getRequestMethod().equals("POST") || !"application/x-protobuf".equals(type)) {
            problems.add(exchange.getRequestMethod() + " " + exchange.getRequestURI() + " " + type);
            respond(exchange, 400, new byte[0]);
            return null;
        }
        try (InputStream raw = exchange.getRequestBody();
                InputStream in = "gzip".equals(exchange.getRequestHeaders().getFirst("Content-Encoding"))
                        ? new GZIPInputStream(raw) : raw) {
            return in.readAllBytes();
        }
    }

    private static void respond(HttpExchange exchange, int status, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "application/x-protobuf");
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    /** Waits until the condition holds; fails the test after {@code limit}. */
    public static void await(String what, Duration limit, BooleanSupplier condition)
            throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + limit.toMillis() + " ms: " + what);
            }
            Thread.sleep(10);
        }
    }

    /** The first string value of {@code key} in an OTLP attribute list, or null. */
    public static String stringAttribute(List<KeyValue> attributes, String key) {
        for (KeyValue kv : attributes) {
            if (kv.getKey().equals(key)) {
                return kv.getValue().getStringValue();
            }
        }
        return null;
    }

    @Override
    public void close() {
        stop();
    }
}
