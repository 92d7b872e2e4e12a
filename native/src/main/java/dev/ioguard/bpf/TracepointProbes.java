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
 * Thread-safe: stateless. Probes over the running kernel's BTF (vmlinux, and a module's where a
 * tracepoint lives in a module), parsed afresh per probe (about a tenth of a second) and freed
 * again, since {@link Features} caches every answer.
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

    /**
     * The tracepoint's shape from vmlinux BTF or, when vmlinux does not have it and {@code module}
     * is not null, from that module's BTF: a filesystem built as a module (ext4 on Debian's generic
     * kernel, xfs on most) has its tracepoints there, and libbpf resolves a tp_btf attach target in
     * module BTF by itself.
     */
    static Shape probe(String module, String tracepoint) {
        String feature = "tp_btf/" + tracepoint + " (BTF-enabled tracepoints, 5.5+)";
        return withVmlinux(feature, btf -> {
            Shape inVmlinux = shape(btf, feature, tracepoint, "vmlinux");
            if (module == null || inVmlinux.probe().status() != Status.UNSUPPORTED) {
                return inVmlinux;
            }
            return inModule(btf, module, feature, tracepoint, inVmlinux.probe().detail());
        }, failure -> new Shape(new Probe(feature, failure.status() == Status.UNKNOWN ? Status.UNKNOWN
                : Status.UNSUPPORTED, failure.detail()), -1));
    }

    /** The tracepoint in {@code /sys/kernel/btf/<module>} (CONFIG_DEBUG_INFO_BTF_MODULES, 5.11+). */
    private static Shape inModule(MemorySegment vmlinux, String module, String feature, String tracepoint,
            String vmlinuxDetail) {
        PointerResult loaded;
        try (LibbpfLog.Capture capture = LibbpfLog.capture()) {
            loaded = BtfCalls.loadModule(module, vmlinux);
        }
        if (loaded.failed()) {
            String why = loaded.errno() == Errno.ENOENT
                    ? "no module BTF /sys/kernel/btf/" + module + " (" + module
                            + " not loaded, built in, or CONFIG_DEBUG_INFO_BTF_MODULES unset)"
                    : "cannot parse module BTF of " + module + ": " + Errno.describe(loaded.errno());
            return new Shape(new Probe(feature, Status.UNSUPPORTED, vmlinuxDetail + "; " + why), -1);
        }
        NativeHandle handle = NativeHandle.ofPointer(NativeHandle.Kind.BTF, module + " BTF", loaded.pointer(), null);
        MemorySegment btf = handle.acquirePointer();
        try {
            return shape(btf, feature, tracepoint, "module " + module);
        } finally {
            handle.release();
            handle.close();
        }
    }

    /**
     * Whether an enumerator of that name exists in vmlinux BTF, in any enum, named or not: a kernel
     * change that added or renamed an enum value (a bio flag, say) is told this way when no type
     * changed with it.
     */
    static Probe enumerator(String name) {
        String feature = "enumerator " + name + " in kernel BTF";
        return withVmlinux(feature, btf -> {
            int count = BtfCalls.typeCount(btf);
            for (int id = 1; id < count; id++) {
                MemorySegment type = BtfCalls.typeById(btf, id);
                int kind = type.address() == 0 ? 0 : kind(type);
                if (kind != Structs.BTF_KIND_ENUM && kind != Structs.BTF_KIND_ENUM64) {
                    continue;
                }
                int members = info(type) & 0xffff;
                long memberSize = kind == Structs.BTF_KIND_ENUM ? Structs.BTF_ENUM_SIZE : Structs.BTF_ENUM64_SIZE;
                MemorySegment all = type.reinterpret(Structs.BTF_TYPE.byteSize() + members * memberSize);
                for (int i = 0; i < members; i++) {
                    long at = Structs.BTF_TYPE.byteSize() + i * memberSize;
                    if (name.equals(BtfCalls.nameByOffset(btf, all.get(JAVA_INT, at)))) {
                        return new Probe(feature, Status.SUPPORTED, name + " = " + all.get(JAVA_INT, at + Structs.BTF_ENUM_VALUE)
                                + " (BTF type " + id + ")");
                    }
                }
            }
            return new Probe(feature, Status.UNSUPPORTED, "no enum of vmlinux BTF has " + name);
        }, failure -> failure);
    }

    /**
     * The kernel emits {@code typedef void (*btf_trace_<tp>)(void *, args...)} for every
     * tracepoint; older kernels at least have the {@code __bpf_trace_<tp>} function.
     */
    private static Shape shape(MemorySegment btf, String feature, String tracepoint, String where) {
        String typedefName = "btf_trace_" + tracepoint;
        int id = BtfCalls.findByNameKind(btf, typedefName, Structs.BTF_KIND_TYPEDEF);
        if (id > 0) {
            int proto = resolve(btf, resolve(btf, id, Structs.BTF_KIND_TYPEDEF), Structs.BTF_KIND_PTR);
            int args = parameters(btf, proto) - 1;
            return supported(feature, typedefName + " (" + where + ")", args);
        }
        String functionName = "__bpf_trace_" + tracepoint;
        id = BtfCalls.findByNameKind(btf, functionName, Structs.BTF_KIND_FUNC);
        if (id > 0) {
            int args = parameters(btf, resolve(btf, id, Structs.BTF_KIND_FUNC)) - 1;
            return supported(feature, functionName + " (" + where + ")", args);
        }
        return new Shape(new Probe(feature, Status.UNSUPPORTED,
                where + " BTF has no " + typedefName + ": no such tracepoint there"), -1);
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
