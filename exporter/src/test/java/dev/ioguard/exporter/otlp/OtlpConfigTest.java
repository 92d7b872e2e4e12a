package dev.ioguard.exporter.otlp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** Reading the standard OTEL_* variables: what turns export on, precedence, and clear errors. */
class OtlpConfigTest {
    private static Optional<OtlpConfig> config(String... keyValues) {
        Map<String, String> env = new HashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            env.put(keyValues[i], keyValues[i + 1]);
        }
        return OtlpConfig.fromEnvironment(env, "host-a", "1.2.3");
    }

    private static SignalSettings metrics(String... keyValues) {
        return config(keyValues).orElseThrow().metrics().orElseThrow();
    }

    private static SignalSettings logs(String... keyValues) {
        return config(keyValues).orElseThrow().logs().orElseThrow();
    }

    @Test
    void offWithoutAnEndpointOrWhenTheSdkIsDisabled() {
        assertTrue(config().isEmpty());
        assertTrue(config("OTEL_EXPORTER_OTLP_ENDPOINT", "  ").isEmpty());
        assertTrue(config("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf",
                "OTEL_EXPORTER_OTLP_HEADERS", "a=b").isEmpty());
        assertTrue(config("OTEL_EXPORTER_OTLP_ENDPOINT", "http://c:4317",
                "OTEL_SDK_DISABLED", "true").isEmpty());
        assertTrue(config("OTEL_EXPORTER_OTLP_ENDPOINT", "http://c:4317",
                "OTEL_METRICS_EXPORTER", "none", "OTEL_LOGS_EXPORTER", "none").isEmpty());
    }

    @Test
    void grpcIsTheDefaultProtocolAsInTheJavaSdkAndItsEndpointIsUsedAsGiven() {
        SignalSettings m = metrics("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4317");
        assertEquals(OtlpProtocol.GRPC, m.protocol());
        assertEquals("http://collector:4317", m.endpoint());
        assertEquals("http://collector:4317",
                logs("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4317").endpoint());
    }

    @Test
    void httpAppendsTheSignalPathToTheGeneralEndpointOnly() {
        assertEquals("http://c:4318/v1/metrics", metrics("OTEL_EXPORTER_OTLP_ENDPOINT",
                "http://c:4318", "OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf").endpoint());
        assertEquals("https://c/otlp/v1/logs", logs("OTEL_EXPORTER_OTLP_ENDPOINT",
                "https://c/otlp/", "OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf").endpoint());
        OtlpConfig c = config("OTEL_EXPORTER_OTLP_METRICS_ENDPOINT", "http://m:9000/custom",
                "OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf").orElseThrow();
        assertEquals("http://m:9000/custom", c.metrics().orElseThrow().endpoint());
        assertTrue(c.logs().isEmpty(), "only the signal with an endpoint is exported");
    }

    @Test
    void signalSpecificVariablesWinOverGeneralOnes() {
        Map<String, String> env = Map.of(
                "OTEL_EXPORTER_OTLP_ENDPOINT", "http://c:4317",
                "OTEL_EXPORTER_OTLP_LOGS_PROTOCOL", "http/protobuf",
                "OTEL_EXPORTER_OTLP_HEADERS", "a=general",
                "OTEL_EXPORTER_OTLP_LOGS_HEADERS", "b=logs",
                "OTEL_EXPORTER_OTLP_TIMEOUT", "7000",
                "OTEL_EXPORTER_OTLP_METRICS_TIMEOUT", "3000",
                "OTEL_EXPORTER_OTLP_LOGS_COMPRESSION", "gzip");
        OtlpConfig c = OtlpConfig.fromEnvironment(env, "h", "v").orElseThrow();
        SignalSettings m = c.metrics().orElseThrow();
        SignalSettings l = c.logs().orElseThrow();
        assertEquals(OtlpProtocol.GRPC, m.protocol());
        assertEquals(OtlpProtocol.HTTP_PROTOBUF, l.protocol());
        assertEquals("http://c:4317/v1/logs", l.endpoint());
        assertEquals(Map.of("a", "general"), m.headers());
        assertEquals(Map.of("b", "logs"), l.headers());
        assertEquals(Duration.ofSeconds(3), m.timeout());
        assertEquals(Duration.ofSeconds(7), l.timeout());
        assertEquals("none", m.compression());
        assertEquals("gzip", l.compression());
    }

    @Test
    void headersArePercentDecodedKeepPlusSignsAndAreNotPrinted() {
        SignalSettings m = metrics("OTEL_EXPORTER_OTLP_ENDPOINT", "http://c:4317",
                "OTEL_EXPORTER_OTLP_HEADERS",
                "Authorization=Basic%20dXNlcjpw+YXNz== , x-tenant = node%2Fa,,");
        assertEquals(Map.of("Authorization", "Basic dXNlcjpw+YXNz==", "x-tenant", "node/a"),
                m.headers());
        assertFalse(m.toString().contains("dXNlcjpw"), m.toString());
    }

    @Test
    void defaultsFollowTheSpecification() {
        OtlpConfig c = config("OTEL_EXPORTER_OTLP_ENDPOINT", "http://c:4317").orElseThrow();
        assertEquals(Duration.ofSeconds(60), c.metricInterval());
        assertEquals(Duration.ofSeconds(30), c.metricTimeout());
        assertEquals(Duration.ofSeconds(10), c.metrics().orElseThrow().timeout());
        assertEquals(RetryPolicy.DEFAULT, c.retry());
        OtlpConfig tuned = config("OTEL_EXPORTER_OTLP_ENDPOINT", "http://c:4317",
                "OTEL_METRIC_EXPORT_INTERVAL", "15000",
                RetryPolicy.MAX_ATTEMPTS, "4", RetryPolicy.INITIAL_BACKOFF, "250",
                RetryPolicy.MAX_BACKOFF, "2000").orElseThrow();
        assertEquals(Duration.ofSeconds(15), tuned.metricInterval());
        assertEquals(new RetryPolicy(4, Duration.ofMillis(250), Duration.ofSeconds(2)), tuned.retry());
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', value = {
        "OTEL_EXPORTER_OTLP_ENDPOINT         | localhost:4317       | must start with http:// or https://",
        "OTEL_EXPORTER_OTLP_ENDPOINT         | collector            | must start with http:// or https://",
        "OTEL_EXPORTER_OTLP_ENDPOINT         | ftp://c:21           | must start with http:// or https://",
        "OTEL_EXPORTER_OTLP_ENDPOINT         | http://              | is not a valid URL",
        "OTEL_EXPORTER_OTLP_ENDPOINT         | http:// c:4317       | is not a valid URL",
        "OTEL_EXPORTER_OTLP_ENDPOINT         | http:///v1           | has no host name",
        "OTEL_EXPORTER_OTLP_ENDPOINT         | http://c:4317/otlp   | has a path, which gRPC does not take",
        "OTEL_EXPORTER_OTLP_ENDPOINT         | http://c:4317?x=1    | must not have a query or fragment",
        "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT | c:4317               | must start with http:// or https://",
        "OTEL_EXPORTER_OTLP_PROTOCOL         | http/json            | unsupported OTLP protocol 'http/json'",
        "OTEL_EXPORTER_OTLP_PROTOCOL         | udp                  | unsupported OTLP protocol 'udp'",
        "OTEL_EXPORTER_OTLP_LOGS_PROTOCOL    | grpcc                | unsupported OTLP protocol 'grpcc'",
        "OTEL_METRIC_EXPORT_INTERVAL         | 60s                  | expected a whole number of milliseconds, got '60s'",
        "OTEL_METRIC_EXPORT_INTERVAL         | 0                    | must be at least 1",
        "OTEL_METRIC_EXPORT_INTERVAL         | -5                   | must be at least 1",
        "OTEL_METRIC_EXPORT_TIMEOUT          | soon                 | expected a whole number of milliseconds",
        "OTEL_EXPORTER_OTLP_TIMEOUT          | 10s                  | expected a whole number of milliseconds",
        "OTEL_EXPORTER_OTLP_HEADERS          | api-key              | 'api-key' is not key=value",
        "OTEL_EXPORTER_OTLP_HEADERS          | =secret              | is not key=value",
        "OTEL_EXPORTER_OTLP_HEADERS          | k=%zz                | bad percent-encoding",
        "OTEL_EXPORTER_OTLP_COMPRESSION      | zstd                 | unsupported compression 'zstd'",
        "OTEL_METRICS_EXPORTER               | prometheus           | not supported by ioguard (otlp or none)",
        "OTEL_SDK_DISABLED                   | yes                  | expected true or false",
        "OTEL_RESOURCE_ATTRIBUTES            | team                 | 'team' is not key=value",
        "IOGUARD_OTLP_RETRY_MAX_ATTEMPTS     | 0                    | must be at least 1",
        "IOGUARD_OTLP_RETRY_MAX_ATTEMPTS     | many                 | expected a whole number of attempts",
        "IOGUARD_OTLP_RETRY_INITIAL_BACKOFF_MS | 1s                 | expected a whole number of milliseconds",
        "IOGUARD_OTLP_RETRY_MAX_BACKOFF_MS   | 500                  | is below IOGUARD_OTLP_RETRY_INITIAL_BACKOFF_MS",
    })
    void aBadValueFailsAtStartUpWithAMessageNamingTheVariable(String variable, String value,
            String expected) {
        Map<String, String> env = new HashMap<>();
        env.put("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4317");
        env.put(variable, value);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> OtlpConfig.fromEnvironment(env, "h", "v"));
        assertTrue(e.getMessage().startsWith(variable + ": "), e.getMessage());
        assertTrue(e.getMessage().contains(expected), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
    }
}
