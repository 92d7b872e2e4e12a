package dev.ioguard.exporter.prometheus;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.ioguard.exporter.cli.ListenAddress;
import dev.ioguard.exporter.hooks.Hook;
import dev.ioguard.exporter.hooks.HookRegistry;
import io.prometheus.metrics.exporter.httpserver.MetricsHandler;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The HTTP side: {@code /metrics} (text or protobuf, as the scraper negotiates), {@code /healthz}
 * (which hooks are live; 200 when healthy, 503 otherwise) and a landing page. Requests are served
 * by a small pool of daemon threads; {@link #close()} may be called from any thread.
 */
public final class HttpEndpoint implements AutoCloseable {
    private final HttpServer server;
    private final ExecutorService executor;

    private HttpEndpoint(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /**
     * Binds the address but does not serve yet ({@link #serve()}): a taken port fails before the
     * exporter touches the kernel, and /healthz is never seen half-initialised.
     *
     * @throws IOException with a message naming the address when it cannot be bound
     */
    public static HttpEndpoint bind(ListenAddress address, PrometheusRegistry registry,
            HookRegistry hooks) throws IOException {
        HttpServer server;
        try {
            server = HttpServer.create(address.toSocketAddress(), 16);
        } catch (BindException e) {
            throw new IOException("cannot listen on " + address + ": " + e.getMessage()
                    + " (is another exporter running? choose one with --web.listen-address)", e);
        }
        ExecutorService executor = Executors.newFixedThreadPool(2,
                Thread.ofPlatform().daemon().name("ioguard-http-", 0).factory());
        server.setExecutor(executor);
        server.createContext("/metrics", new MetricsHandler(registry));
        server.createContext("/healthz", exchange -> health(exchange, hooks));
        server.createContext("/", HttpEndpoint::landing);
        return new HttpEndpoint(server, executor);
    }

    /** Starts answering requests. */
    public void serve() {
        server.start();
    }

    public InetSocketAddress address() {
        return server.getAddress();
    }

    private static void health(HttpExchange exchange, HookRegistry hooks) throws IOException {
        StringBuilder body = new StringBuilder();
        boolean healthy = hooks.healthy();
        body.append(healthy ? "ok\n" : "degraded\n");
        for (Hook h : hooks.all()) {
            body.append(h.state().label()).append(' ').append(h.name()).append(" (")
                    .append(h.purpose()).append(')');
            if (!h.detail().isEmpty()) {
                body.append(": ").append(h.detail().replace('\n', ' '));
            }
            body.append('\n');
        }
        respond(exchange, healthy ? 200 : 503, body.toString());
    }

    private static void landing(HttpExchange exchange) throws IOException {
        if (!exchange.getRequestURI().getPath().equals("/")) {
            respond(exchange, 404, "not found\n");
            return;
        }
        respond(exchange, 200, "ioguard: kernel IO observability exporter\n"
                + "/metrics  Prometheus metrics\n/healthz  which kernel hooks are live\n");
    }

    private static void respond(HttpExchange exchange, int status, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
