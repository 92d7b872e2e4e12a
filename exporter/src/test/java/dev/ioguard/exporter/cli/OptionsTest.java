package dev.ioguard.exporter.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ioguard.exporter.block.TracepointMode;
import dev.ioguard.exporter.otlp.RetryPolicy;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OptionsTest {
    private static Options parse(String... args) {
        return Options.parse(List.of(args), Map.of("K8S_NODE_NAME", "node-a"));
    }

    @Test
    void defaultsListenOnEveryInterfaceAtTheDocumentedPort() {
        Options o = parse();
        assertEquals(Options.Mode.RUN, o.mode());
        assertEquals(new ListenAddress("", 9477), o.listenAddress());
        assertEquals("node-a", o.nodeName());
    }

    @Test
    void acceptsBothFlagForms() {
        assertEquals(new ListenAddress("127.0.0.1", 9100),
                parse("--web.listen-address=127.0.0.1:9100").listenAddress());
        assertEquals(new ListenAddress("::1", 9100),
                parse("--web.listen-address", "[::1]:9100").listenAddress());
        assertEquals(10, parse("--events.queue-size=10").eventQueueSize());
    }

    @Test
    void hostPathsDefaultToThisSystemsAndAreCheckedAtStart() {
        assertEquals(java.nio.file.Path.of("/proc"), parse().hostPaths().procfs());
        assertEquals(java.nio.file.Path.of("/"), parse("--path.procfs=/proc", "--path.rootfs", "/")
                .hostPaths().rootfs());
        assertTrue(assertThrows(UsageException.class, () -> parse("--path.procfs=/nonexistent"))
                .getMessage().contains("--path.procfs=/nonexistent"));
    }

    @Test
    void blockTracepointsAreAutoUnlessForcedAndOnlyTheThreeValuesAreAccepted() {
        assertEquals(TracepointMode.AUTO, parse().blockTracepoints());
        assertEquals(TracepointMode.CLASSIC, parse("--block.tracepoints=classic").blockTracepoints());
        assertEquals(TracepointMode.BTF, parse("--block.tracepoints", "btf").blockTracepoints());
        String message = assertThrows(UsageException.class, () -> parse("--block.tracepoints=raw"))
                .getMessage();
        assertTrue(message.contains("--block.tracepoints") && message.contains("auto, btf or classic")
                && message.contains("'raw'"), message);
        assertTrue(Options.usage().contains("--block.tracepoints"));
    }

    @Test
    void helpWinsOverVersion() {
        assertEquals(Options.Mode.HELP, parse("--version", "--help").mode());
        assertEquals(Options.Mode.VERSION, parse("--version").mode());
    }

    @Test
    void helpListsTheOtlpEnvironmentVariables() {
        String usage = Options.usage();
        for (String variable : List.of("K8S_NODE_NAME", "OTEL_EXPORTER_OTLP_ENDPOINT",
                "OTEL_EXPORTER_OTLP_PROTOCOL", "OTEL_EXPORTER_OTLP_HEADERS",
                "OTEL_EXPORTER_OTLP_TIMEOUT", "OTEL_EXPORTER_OTLP_COMPRESSION",
                "OTEL_METRIC_EXPORT_INTERVAL", "OTEL_METRIC_EXPORT_TIMEOUT",
                "OTEL_METRICS_EXPORTER", "OTEL_LOGS_EXPORTER", "OTEL_SDK_DISABLED",
                "OTEL_SERVICE_NAME", "OTEL_RESOURCE_ATTRIBUTES", RetryPolicy.MAX_ATTEMPTS,
                RetryPolicy.INITIAL_BACKOFF, RetryPolicy.MAX_BACKOFF)) {
            assertTrue(usage.contains(variable + " ") || usage.contains(variable + ",")
                    || usage.contains(variable + "\n"), variable + " missing from:\n" + usage);
        }
        for (String line : usage.split("\n")) {
            assertTrue(line.length() <= 90, "line too long for a terminal: " + line);
        }
    }

    @Test
    void badInputIsAUsageErrorThatSaysWhatIsWrong() {
        assertTrue(assertThrows(UsageException.class, () -> parse("--bogus")).getMessage()
                .contains("--bogus"));
        assertTrue(assertThrows(UsageException.class,
                () -> parse("--web.listen-address=9477")).getMessage().contains("host:port"));
        assertTrue(assertThrows(UsageException.class,
                () -> parse("--web.listen-address=:99999")).getMessage().contains("0..65535"));
        assertTrue(assertThrows(UsageException.class,
                () -> parse("--web.listen-address=:http")).getMessage().contains("not a number"));
        assertTrue(assertThrows(UsageException.class,
                () -> parse("--web.listen-address")).getMessage().contains("needs a value"));
        assertTrue(assertThrows(UsageException.class,
                () -> parse("--events.queue-size=0")).getMessage().contains("at least 1"));
    }
}
