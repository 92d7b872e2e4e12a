package dev.ioguard.bpf;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import org.junit.jupiter.api.Assumptions;

/**
 * Not thread-safe (tests run sequentially). The one place that decides whether a kernel test can
 * run here: it needs libbpf, permission to use bpf(2), kernel BTF and the sys_enter tp_btf hook.
 * Without them a kernel test is skipped with the reason; under {@code CI=true} a skip is a failure.
 */
final class KernelTestSupport {
    private KernelTestSupport() {}

    /** Skips (or under CI=true fails) the calling test unless BPF programs can be loaded and attached. */
    static void requireBpf() {
        String missing = missing();
        if (missing != null) {
            skipOrFail(missing);
        }
    }

    static void skipOrFail(String reason) {
        skipOrFail(reason, "true".equals(System.getenv("CI")));
    }

    static void skipOrFail(String reason, boolean ci) {
        if (ci) {
            fail("kernel test cannot run, and CI=true forbids skipping it: " + reason);
        }
        Assumptions.abort(reason);
    }

    /** A test BPF object built from src/test/bpf by the test build. */
    static byte[] bpfObject(String name) {
        String resource = "/bpf/" + name + ".bpf.o";
        try (InputStream in = KernelTestSupport.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is not on the test classpath: the test build compiles"
                        + " src/test/bpf with clang (mvn generate-test-resources)");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String missing() {
        if (!Libbpf.available()) {
            return "libbpf.so.1 is not loadable (install libbpf1)";
        }
        Features.Probe bpf = Features.bpfSyscall();
        if (!bpf.supported()) {
            return "bpf() is not usable by this process: " + bpf.detail();
        }
        Features.Probe btf = Features.kernelBtf();
        if (!btf.supported()) {
            return "tp_btf programs need kernel BTF (5.5+): " + btf.detail();
        }
        Features.Probe sysEnter = Features.btfTracepoint("sys_enter");
        if (!sysEnter.supported()) {
            return "the test program attaches to tp_btf/sys_enter: " + sysEnter.detail();
        }
        if (Syscalls.GETPPID < 0) {
            return "no getppid syscall number known for " + System.getProperty("os.arch");
        }
        return null;
    }
}
