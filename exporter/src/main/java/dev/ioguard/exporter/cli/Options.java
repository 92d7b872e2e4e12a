package dev.ioguard.exporter.cli;

import dev.ioguard.exporter.block.TracepointMode;
import dev.ioguard.exporter.mounts.HostPaths;
import java.nio.file.Path;
import java.util.List;

/**
 * The command line, parsed and validated. Flags follow Prometheus exporters:
 * {@code --name=value} or {@code --name value}. Immutable.
 */
public record Options(Mode mode, ListenAddress listenAddress, int eventQueueSize,
        String nodeName, HostPaths hostPaths, TracepointMode blockTracepoints) {
    public static final String DEFAULT_LISTEN = ":9477";
    public static final int DEFAULT_EVENT_QUEUE = 4096;

    public enum Mode { RUN, HELP, VERSION }

    /** Parses {@code args}; {@link UsageException} carries a message meant for the user. */
    public static Options parse(List<String> args, java.util.Map<String, String> env) {
        Mode mode = Mode.RUN;
        ListenAddress listen = ListenAddress.parse(DEFAULT_LISTEN);
        int queue = DEFAULT_EVENT_QUEUE;
        Path procfs = HostPaths.DEFAULT.procfs();
        Path rootfs = HostPaths.DEFAULT.rootfs();
        TracepointMode blockTracepoints = TracepointMode.AUTO;
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            String name = arg;
            String value = null;
            int eq = arg.indexOf('=');
            if (arg.startsWith("--") && eq > 0) {
                name = arg.substring(0, eq);
                value = arg.substring(eq + 1);
            }
            switch (name) {
                case "-h", "--help" -> mode = Mode.HELP;
                case "--version" -> mode = mode == Mode.HELP ? mode : Mode.VERSION;
                case "--web.listen-address" -> {
                    if (value == null) {
                        value = next(args, ++i, name);
                    }
                    try {
                        listen = ListenAddress.parse(value);
                    } catch (IllegalArgumentException e) {
                        throw new UsageException(e.getMessage());
                    }
                }
                case "--events.queue-size" -> {
                    if (value == null) {
                        value = next(args, ++i, name);
                    }
                    queue = positiveInt(name, value);
                }
                case "--block.tracepoints" -> {
                    if (value == null) {
                        value = next(args, ++i, name);
                    }
                    try {
                        blockTracepoints = TracepointMode.parse(value);
                    } catch (IllegalArgumentException e) {
                        throw new UsageException(name + " " + e.getMessage());
                    }
                }
                case "--path.procfs" -> procfs = Path.of(value == null ? next(args, ++i, name) : value);
                case "--path.rootfs" -> rootfs = Path.of(value == null ? next(args, ++i, name) : value);
                default -> throw new UsageException("unknown flag '" + arg + "'");
            }
        }
        String node = env.getOrDefault("K8S_NODE_NAME", "");
        if (node.isBlank()) {
            node = hostName();
        }
        HostPaths paths = new HostPaths(procfs, rootfs);
        if (mode == Mode.RUN && paths.problem() != null) {
            throw new UsageException(paths.problem());
        }
        return new Options(mode, listen, queue, node, paths, blockTracepoints);
    }

    private static String next(List<String> args, int i, String name) {
        if (i >= args.size()) {
            throw new UsageException("flag " + name + " needs a value");
        }
        return args.get(i);
    }

    private static int positiveInt(String name, String value) {
        try {
            int n = Integer.parseInt(value);
            if (n < 1) {
                throw new UsageException(name + " must be at least 1, got " + n);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new UsageException(name + " must be a whole number, got '" + value + "'");
        }
    }

    private static String hostName() {
        try {
            return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/sys/kernel/hostname"))
                    .strip();
        } catch (java.io.IOException e) {
            return "unknown";
        }
    }

    public static String usage() {
        return """
                usage: ioguard [<flags>]

                eBPF-backed kernel IO observability exporter: block IO latency and operations,
                filesystem errors, as Prometheus metrics and JSON event lines on stdout.

                Flags:
                  -h, --help                  Show this help and exit.
                      --version               Show the version and exit.
                      --web.listen-address=":9477"
                                              Address on which to expose /metrics and /healthz
                                              (host:port; ":9477" listens on every interface).
                      --events.queue-size=4096
                                              Events buffered per sink before new ones are
                                              dropped (and counted in ioguard_events_dropped_total).
                      --block.tracepoints="auto"
                                              Tracepoints of the block programs: btf (tp_btf),
                                              classic (tracefs; no BTF needed; requests keyed
                                              by device and sector), or auto: btf, and classic
                                              where the kernel has no BTF or refuses tp_btf.
                      --path.procfs="/proc"   The node's procfs (in a container: the host's, e.g.
                                              /host/proc): its init's mount table is watched.
                      --path.rootfs="/"       The node's root filesystem (in a container: e.g.
                                              /host/root), to stat(2) its mount points.

                Environment:
                  K8S_NODE_NAME               Node name put on events (default: the host name).
                  OTEL_EXPORTER_OTLP_ENDPOINT Push metrics and events (as log records) over OTLP
                                              to this collector URL; off when unset.
                  OTEL_EXPORTER_OTLP_PROTOCOL grpc (default) or http/protobuf.
                  OTEL_EXPORTER_OTLP_HEADERS  key1=value1,key2=value2 sent with every export.
                  OTEL_EXPORTER_OTLP_TIMEOUT  One export request, in ms (default 10000).
                  OTEL_EXPORTER_OTLP_COMPRESSION
                                              gzip or none (default).
                  OTEL_METRIC_EXPORT_INTERVAL Time between metric exports, in ms (default 60000).
                  OTEL_METRIC_EXPORT_TIMEOUT  Limit of one metric export, in ms (default 30000).
                  OTEL_METRICS_EXPORTER, OTEL_LOGS_EXPORTER
                                              otlp (default) or none, per signal.
                  OTEL_SDK_DISABLED           true turns OTLP export off.
                  OTEL_SERVICE_NAME, OTEL_RESOURCE_ATTRIBUTES
                                              Resource attributes (service.name=ioguard).
                  IOGUARD_OTLP_RETRY_MAX_ATTEMPTS
                                              Attempts per OTLP event, the first included
                                              (default 10).
                  IOGUARD_OTLP_RETRY_INITIAL_BACKOFF_MS, IOGUARD_OTLP_RETRY_MAX_BACKOFF_MS
                                              Wait before an event's first retry, doubling up
                                              to the maximum (default 1000, 30000).
                  The OTEL_EXPORTER_OTLP_* variables also exist per signal, e.g.
                  OTEL_EXPORTER_OTLP_METRICS_ENDPOINT, OTEL_EXPORTER_OTLP_LOGS_TIMEOUT, and
                  win over the general ones.

                Needs root, or CAP_BPF and CAP_PERFMON (and CAP_SYS_RESOURCE before Linux 5.11),
                on Linux 5.12 or later. Without kernel BTF (/sys/kernel/btf/vmlinux) only the block
                metrics (on classic tracepoints) and the mount-syscall hooks run.
                """;
    }
}
