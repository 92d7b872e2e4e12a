package dev.ioguard.bpf;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import dev.ioguard.bpf.Features.Probe;
import dev.ioguard.bpf.Features.Status;
import dev.ioguard.bpf.internal.BtfCalls;
import dev.ioguard.bpf.internal.Errno;
import dev.ioguard.bpf.internal.LibbpfLog;
import dev.ioguard.bpf.internal.LibbpfMessages;
import dev.ioguard.bpf.internal.NativeHandle;
import dev.ioguard.bpf.internal.NativeLibrary;
import dev.ioguard.bpf.internal.PointerResult;
import dev.ioguard.bpf.internal.Structs;
import java.lang.foreign.MemorySegment;
import java.util.function.Function;

/**
 * Thread-safe: stateless. Probes over the running kernel's BTF, parsed afresh per probe (about a
 * tenth of a second) and freed again, since {@link Features} caches every answer.
 */
final class TracepointProbes {
    private static final String KERNEL_BTF = "kernel BTF (CONFIG_DEBUG_INFO_BTF, 5.2+)";

    /** A tracepoint's probe and its argument count (-1 unless supported). */
    record Shape(Probe probe, int args) {}

    private TracepointProbes() {}

    static Probe kernelBtf() {
        return withVmlinux(KERNEL_BTF, btf -> new Probe(KERNEL_BTF, Status.SUPPORTED,
                "/sys/kernel/btf/vmlinux parsed"), failure -> failure);
    }

    static Shape probe(String tracepoint) {
        String feature = "tp_btf/" + tracepoint + " (BTF-enabled tracepoints, 5.5+)";
        return withVmlinux(feature, btf -> shape(btf, feature, tracepoint),
                failure -> new Shape(new Probe(feature, failure.status() == Status.UNKNOWN ? Status.UNKNOWN
                        : Status.UNSUPPORTED, failure.detail()), -1));
    }

    /**
     * The kernel emits {@code typedef void (*btf_trace_<tp>)(void *, args...)} for every
     * tracepoint; older kernels at least have the {@code __bpf_trace_<tp>} function.
     */
    private static Shape shape(MemorySegment btf, String feature, String tracepoint) {
        String typedefName = "btf_trace_" + tracepoint;
        int id = BtfCalls.findByNameKind(btf, typedefName, Structs.BTF_KIND_TYPEDEF);
        if (id > 0) {
            int proto = resolve(btf, resolve(btf, id, Structs.BTF_KIND_TYPEDEF), Structs.BTF_KIND_PTR);
            int args = parameters(btf, proto) - 1;
            return supported(feature, typedefName, args);
        }
        String functionName = "__bpf_trace_" + tracepoint;
        id = BtfCalls.findByNameKind(btf, functionName, Structs.BTF_KIND_FUNC);
        if (id > 0) {
            int args = parameters(btf, resolve(btf, id, Structs.BTF_KIND_FUNC)) - 1;
            return supported(feature, functionName, args);
        }
        return new Shape(new Probe(feature, Status.UNSUPPORTED,
                "vmlinux BTF has no " + typedefName + ": no such tracepoint in this kernel (or it is in a module)"), -1);
    }

    private static Shape supported(String feature, String typeName, int args) {
        if (args < 0) {
            return new Shape(new Probe(feature, Status.UNKNOWN, typeName + " is not a function prototype"), -1);
        }
        return new Shape(new Probe(feature, Status.SUPPORTED, typeName + " takes " + args + " argument(s) after ctx"),
                args);
    }

    /** The type that type {@code id} (of {@code kind}) refers to, or 0. */
    private static int resolve(MemorySegment btf, int id, int kind) {
        MemorySegment type = BtfCalls.typeById(btf, id);
        if (id <= 0 || type.address() == 0 || kind(type) != kind) {
            return 0;
        }
        return type.get(JAVA_INT, Structs.offset(Structs.BTF_TYPE, "size_or_type"));
    }

    /** The parameter count of a FUNC_PROTO, or 0 when {@code id} is not one. */
    private static int parameters(MemorySegment btf, int id) {
        MemorySegment type = id <= 0 ? MemorySegment.NULL : BtfCalls.typeById(btf, id);
        if (type.address() == 0 || kind(type) != Structs.BTF_KIND_FUNC_PROTO) {
            return 0;
        }
        return info(type) & 0xffff; // vlen
    }

    private static int kind(MemorySegment type) {
        return (info(type) >>> 24) & 0x1f;
    }

    private static int info(MemorySegment type) {
        return type.get(JAVA_INT, Structs.offset(Structs.BTF_TYPE, "info"));
    }

    /** Runs {@code query} over freshly parsed vmlinux BTF, or maps the failure to a probe. */
    private static <T> T withVmlinux(String feature, Function<MemorySegment, T> query, Function<Probe, T> onFailure) {
        if (!NativeLibrary.available()) {
            return onFailure.apply(new Probe(feature, Status.UNKNOWN, NativeLibrary.LIBBPF + " is not loadable"));
        }
        NativeLibrary.requireAvailable();
        NativeHandle handle;
        try (LibbpfLog.Capture capture = LibbpfLog.capture()) {
            PointerResult loaded = BtfCalls.loadVmlinux();
            if (loaded.failed()) {
                int errno = loaded.errno();
                String why = String.join("; ", LibbpfMessages.summary(capture.messages()));
                return onFailure.apply(errno == Errno.ENOENT
                        ? new Probe(feature, Status.UNSUPPORTED, "no /sys/kernel/btf/vmlinux: kernel built without"
                                + " CONFIG_DEBUG_INFO_BTF")
                        : new Probe(feature, Status.UNKNOWN, "cannot parse kernel BTF: " + Errno.describe(errno)
                                + " (errno " + errno + ")" + (why.isEmpty() ? "" : ": " + why)));
            }
            handle = NativeHandle.ofPointer(NativeHandle.Kind.BTF, "vmlinux BTF", loaded.pointer(), null);
        }
        MemorySegment btf = handle.acquirePointer();
        try {
            return query.apply(btf);
        } finally {
            handle.release();
            handle.close();
        }
    }
}
