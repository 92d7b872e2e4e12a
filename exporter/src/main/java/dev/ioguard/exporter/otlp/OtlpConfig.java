package dev.ioguard.exporter.otlp;

import dev.ioguard.exporter.Version;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.sdk.resources.Resource;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * OTLP export settings read from the standard OpenTelemetry environment variables (and ioguard's
 * {@code IOGUARD_OTLP_RETRY_*}), validated once at start-up: any bad value throws an
 * {@link IllegalArgumentException} whose message starts with the variable's name. Export is off
 * (no config) unless an endpoint variable is set. Immutable.
 *
 * <p>The variables, their defaults and precedence follow the OpenTelemetry Java SDK's
 * autoconfiguration: the signal-specific variable wins over the general one; the protocol defaults
 * to {@code grpc}; with {@code http/protobuf} the general endpoint gets {@code /v1/metrics} or
 * {@code /v1/logs} appended while a signal-specific endpoint is used as given.
 *
 * @param metrics        where metrics go, when they are exported
 * @param logs           where events (as log records) go, when they are exported
 * @param metricInterval time between metric exports (OTEL_METRIC_EXPORT_INTERVAL)
 * @param metricTimeout  limit of one metric export (OTEL_METRIC_EXPORT_TIMEOUT)
 * @param retry          the event sink's retry policy
 * @param resource       the resource every metric and log record carries
 */
public record OtlpConfig(Optional<SignalSettings> metrics, Optional<SignalSettings> logs,
        Duration metricInterval, Duration metricTimeout, RetryPolicy retry, Resource resource) {
    static final String ENDPOINT = "OTEL_EXPORTER_OTLP_ENDPOINT";
    static final String PROTOCOL = "OTEL_EXPORTER_OTLP_PROTOCOL";
    static final String HEADERS = "OTEL_EXPORTER_OTLP_HEADERS";
    static final String TIMEOUT = "OTEL_EXPORTER_OTLP_TIMEOUT";
    static final String COMPRESSION = "OTEL_EXPORTER_OTLP_COMPRESSION";
    static final String METRIC_EXPORT_INTERVAL = "OTEL_METRIC_EXPORT_INTERVAL";
    static final String METRIC_EXPORT_TIMEOUT = "OTEL_METRIC_EXPORT_TIMEOUT";
    static final String SERVICE_NAME = "OTEL_SERVICE_NAME";
    static final String RESOURCE_ATTRIBUTES = "OTEL_RESOURCE_ATTRIBUTES";
    static final String SDK_DISABLED = "OTEL_SDK_DISABLED";
    static final String K8S_NODE_NAME = "K8S_NODE_NAME";

    static final AttributeKey<String> SERVICE_NAME_KEY = AttributeKey.stringKey("service.name");
    static final AttributeKey<String> SERVICE_VERSION_KEY = AttributeKey.stringKey("service.version");
    static final AttributeKey<String> HOST_NAME_KEY = AttributeKey.stringKey("host.name");
    static final AttributeKey<String> K8S_NODE_NAME_KEY = AttributeKey.stringKey("k8s.node.name");

    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(60);
    private static final Duration DEFAULT_METRIC_TIMEOUT = Duration.ofSeconds(30);

    public OtlpConfig {
        Objects.requireNonNull(metrics, "metrics");
        Objects.requireNonNull(logs, "logs");
        Objects.requireNonNull(metricInterval, "metricInterval");
        Objects.requireNonNull(metricTimeout, "metricTimeout");
        Objects.requireNonNull(retry, "retry");
        Objects.requireNonNull(resource, "resource");
    }

    /**
     * The configuration the process environment asks for, with this host's name and ioguard's
     * version on the resource; empty when OTLP export is off.
     */
    public static Optional<OtlpConfig> fromEnvironment(Map<String, String> env) {
        return fromEnvironment(env, hostName(), Version.current());
    }

    static Optional<OtlpConfig> fromEnvironment(Map<String, String> environment, String hostName,
            String serviceVersion) {
        EnvironmentVariables env = new EnvironmentVariables(environment);
        if (env.bool(SDK_DISABLED, false)) {
            return Optional.empty();
        }
        Optional<SignalSettings> metrics = signal(env, "METRICS", "v1/metrics");
        Optional<SignalSettings> logs = signal(env, "LOGS", "v1/logs");
        if (metrics.isEmpty() && logs.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new OtlpConfig(metrics, logs,
                env.millis(METRIC_EXPORT_INTERVAL, DEFAULT_INTERVAL),
                env.millis(METRIC_EXPORT_TIMEOUT, DEFAULT_METRIC_TIMEOUT),
                RetryPolicy.fromEnvironment(env), resource(env, hostName, serviceVersion)));
    }

    /** One signal's settings, or empty when no endpoint is set for it or its exporter is none. */
    private static Optional<SignalSettings> signal(EnvironmentVariables env, String signal,
            String httpPath) {
        String selector = "OTEL_" + signal + "_EXPORTER";
        String exporter = env.string(selector).orElse("otlp").toLowerCase(Locale.ROOT);
        if (exporter.equals("none")) {
            return Optional.empty();
        }
        if (!exporter.equals("otlp")) {
            throw new IllegalArgumentException(selector + ": '" + exporter
                    + "' is not supported by ioguard (otlp or none)");
        }
        String specificEndpoint = "OTEL_EXPORTER_OTLP_" + signal + "_ENDPOINT";
        Optional<String> endpointVariable = env.firstSet(specificEndpoint, ENDPOINT);
        if (endpointVariable.isEmpty()) {
            return Optional.empty();
        }
        String protocolVariable = env.firstSet("OTEL_EXPORTER_OTLP_" + signal + "_PROTOCOL",
                PROTOCOL).orElse(PROTOCOL);
        OtlpProtocol protocol = env.string(protocolVariable)
                .map(p -> OtlpProtocol.parse(protocolVariable, p)).orElse(OtlpProtocol.GRPC);

        String variable = endpointVariable.get();
        String endpoint = validEndpoint(variable, env.string(variable).orElseThrow(), protocol);
        if (variable.equals(ENDPOINT) && protocol == OtlpProtocol.HTTP_PROTOBUF) {
            endpoint = (endpoint.endsWith("/") ? endpoint : endpoint + "/") + httpPath;
        }
        String headersVariable = env.firstSet("OTEL_EXPORTER_OTLP_" + signal + "_HEADERS", HEADERS)
                .orElse(HEADERS);
        String timeoutVariable = env.firstSet("OTEL_EXPORTER_OTLP_" + signal + "_TIMEOUT", TIMEOUT)
                .orElse(TIMEOUT);
        String compressionVariable = env.firstSet(
                "OTEL_EXPORTER_OTLP_" + signal + "_COMPRESSION", COMPRESSION).orElse(COMPRESSION);
        String compression = env.string(compressionVariable).orElse("none").toLowerCase(Locale.ROOT);
        if (!compression.equals("none") && !compression.equals("gzip")) {
            throw new IllegalArgumentException(compressionVariable + ": unsupported compression '"
                    + compression + "' (use gzip or none)");
        }
        return Optional.of(new SignalSettings(endpoint, protocol,
                env.keyValueList(headersVariable), env.millis(timeoutVariable, DEFAULT_TIMEOUT),
                compression));
    }

    /** Checks what the exporters need (and reject with their own, less specific, messages). */
    private static String validEndpoint(String variable, String value, OtlpProtocol protocol) {
        String example = protocol == OtlpProtocol.GRPC ? "http://otel-collector:4317"
                : "http://otel-collector:4318";
        URI uri;
        try {
            uri = new URI(value);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(variable + ": '" + value + "' is not a valid URL ("
                    + e.getReason() + "); expected e.g. " + example);
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new IllegalArgumentException(variable + ": '" + value
                    + "' must start with http:// or https://, e.g. " + example);
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            throw new IllegalArgumentException(variable + ": '" + value
                    + "' has no host name; expected e.g. " + example);
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw new IllegalArgumentException(variable + ": '" + value
                    + "' must not have a query or fragment");
        }
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        if (protocol == OtlpProtocol.GRPC && !path.isEmpty() && !path.equals("/")) {
            throw new IllegalArgumentException(variable + ": '" + value
                    + "' has a path, which gRPC does not take; expected e.g. " + example);
        }
        return value;
    }

    /**
     * ioguard's own attributes, then OTEL_RESOURCE_ATTRIBUTES over them, then OTEL_SERVICE_NAME
     * over that, as the OpenTelemetry SDKs order them; on top of the SDK's telemetry.sdk.*.
     */
    private static Resource resource(EnvironmentVariables env, String hostName, String version) {
        AttributesBuilder b = Attributes.builder()
                .put(SERVICE_NAME_KEY, "ioguard")
                .put(SERVICE_VERSION_KEY, version)
                .put(HOST_NAME_KEY, hostName);
        env.string(K8S_NODE_NAME).ifPresent(n -> b.put(K8S_NODE_NAME_KEY, n));
        env.keyValueList(RESOURCE_ATTRIBUTES).forEach(b::put);
        env.string(SERVICE_NAME).ifPresent(n -> b.put(SERVICE_NAME_KEY, n));
        return Resource.getDefault().merge(Resource.create(b.build()));
    }

    /** The kernel's host name (the node's, in a DaemonSet with hostNetwork). */
    private static String hostName() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
        } catch (IOException e) {
            return "unknown";
        }
    }
}
