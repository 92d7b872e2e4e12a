package dev.ioguard.bpf;

import dev.ioguard.bpf.internal.Errno;
import dev.ioguard.bpf.internal.MapCalls;
import dev.ioguard.bpf.internal.NativeHandle;
import dev.ioguard.bpf.internal.NativeLibrary;
import dev.ioguard.bpf.internal.Privileges;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Thread-safe: every probe may be called from any thread; each runs once per process (per
 * tracepoint name) and is cached, except {@link #tracefs()}. What the running kernel and this
 * process can do, probed rather than inferred from the kernel version. Each probe says
 * SUPPORTED, UNSUPPORTED, or UNKNOWN (could not tell), with a one-line reason.
 */
public final class Features {
    /** The outcome of a probe. */
    public enum Status { SUPPORTED, UNSUPPORTED, UNKNOWN }

    /**
     * A probe result.
     *
     * @param feature what was probed, with the kernel version that brought it
     * @param detail  why, in one line
     */
    public record Probe(String feature, Status status, String detail) {
        public Probe {
            Objects.requireNonNull(feature, "feature");
            Objects.requireNonNull(status, "status");
            Objects.requireNonNull(detail, "detail");
        }

        public boolean supported() {
            return status == Status.SUPPORTED;
        }
    }

    private static final Pattern TRACEPOINT_NAME = Pattern.compile("[A-Za-z0-9_]+");
    private static final Pattern MODULE_NAME = Pattern.compile("[A-Za-z0-9_-]+");
    private static final Map<String, TracepointProbes.Shape> TRACEPOINTS = new ConcurrentHashMap<>();
    private static final Map<String, Probe> ENUMERATORS = new ConcurrentHashMap<>();

    private Features() {}

    /** Kernel BTF at /sys/kernel/btf/vmlinux, parsed by libbpf (CONFIG_DEBUG_INFO_BTF, 5.2+; tp_btf needs 5.5+). */
    public static Probe kernelBtf() {
        return KernelBtf.PROBE;
    }

    /**
     * Whether {@code tp_btf/<tracepoint>} can attach: vmlinux BTF describes {@code btf_trace_<tracepoint>}.
     * UNSUPPORTED when the kernel has no BTF or no such tracepoint; module tracepoints (xfs) are
     * not in vmlinux BTF and report UNSUPPORTED here: see {@link #btfTracepoint(String, String)}.
     */
    public static Probe btfTracepoint(String tracepoint) {
        return shape(null, tracepoint).probe();
    }

    /**
     * As {@link #btfTracepoint(String)}, but a tracepoint that vmlinux BTF lacks is also looked for
     * in {@code module}'s BTF ({@code /sys/kernel/btf/<module>}, CONFIG_DEBUG_INFO_BTF_MODULES,
     * 5.11+): where the filesystem is a loaded module with BTF, libbpf attaches tp_btf there.
     */
    public static Probe btfTracepoint(String module, String tracepoint) {
        Objects.requireNonNull(module, "module");
        if (!MODULE_NAME.matcher(module).matches()) {
            throw new IllegalArgumentException("not a module name: '" + module + "'");
        }
        return shape(module, tracepoint).probe();
    }

    /**
     * Whether some enum of vmlinux BTF has an enumerator of this name (for instance
     * {@code BIO_ZONE_WRITE_PLUGGING}, 6.10+): tells kernel changes apart that renumbered
     * constants which BTF does not carry themselves.
     */
    public static Probe btfEnumerator(String name) {
        Objects.requireNonNull(name, "name");
        if (!TRACEPOINT_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("not an enumerator name: '" + name + "'");
        }
        return ENUMERATORS.computeIfAbsent(name, TracepointProbes::enumerator);
    }

    /**
     * The number of arguments of the tracepoint after the leading {@code void *} context, or -1 if
     * {@link #btfTracepoint} is not SUPPORTED. Tells signature changes apart, e.g. block_rq_issue
     * takes (q, rq) before 5.11 and (rq) since.
     */
    public static int btfTracepointArgs(String tracepoint) {
        return shape(null, tracepoint).args();
    }

    /** Whether this process may use bpf(2): creates and closes a one-entry array map. */
    public static Probe bpfSyscall() {
        return BpfSyscall.PROBE;
    }

    /**
     * Whether tracefs is mounted (classic {@code tracepoint/} programs need it to find tracepoint
     * ids; tp_btf does not). Not cached: mounting it later changes the answer.
     */
    public static Probe tracefs() {
        boolean mounted = Failures.tracefsMounted();
        return new Probe("tracefs (classic tracepoint ids)", mounted ? Status.SUPPORTED : Status.UNSUPPORTED,
                mounted ? "tracefs events directory present" : Failures.TRACEFS_HINT);
    }

    private static TracepointProbes.Shape shape(String module, String tracepoint) {
        Objects.requireNonNull(tracepoint, "tracepoint");
        if (!TRACEPOINT_NAME.matcher(tracepoint).matches()) {
            throw new IllegalArgumentException("not a tracepoint name: '" + tracepoint + "'");
        }
        String key = module == null ? tracepoint : module + ":" + tracepoint;
        return TRACEPOINTS.computeIfAbsent(key, k -> TracepointProbes.probe(module, tracepoint));
    }

    private static final class KernelBtf {
        static final Probe PROBE = TracepointProbes.kernelBtf();
    }

    private static final class BpfSyscall {
        static final Probe PROBE = probe();

        private static Probe probe() {
            String feature = "bpf() syscall (map creation)";
            if (!NativeLibrary.available()) {
                return new Probe(feature, Status.UNKNOWN, NativeLibrary.LIBBPF + " is not loadable");
            }
            NativeLibrary.requireAvailable();
            int fd = MapCalls.create(BpfMap.TYPE_ARRAY, 4, 4, 1);
            if (fd >= 0) {
                NativeHandle.ofFd("probe map", fd).close();
                return new Probe(feature, Status.SUPPORTED, "created an array map");
            }
            int errno = -fd;
            return switch (errno) {
                case Errno.EPERM -> new Probe(feature, Status.UNSUPPORTED, Privileges.HINT
                        + (Privileges.canLoadTracingPrograms() ? " (capabilities present: refused by policy)" : ""));
                case Errno.ENOSYS -> new Probe(feature, Status.UNSUPPORTED, "kernel built without CONFIG_BPF_SYSCALL");
                default -> new Probe(feature, Status.UNKNOWN, "map creation failed: " + Errno.describe(errno)
                        + " (errno " + errno + ")");
            };
        }
    }
}
