package dev.ioguard.bpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.ioguard.bpf.Features.Status;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Feature probes that need no privileges: reading kernel BTF is allowed to everyone. */
class FeaturesTest {
    @BeforeAll
    static void libbpfIsInstalled() {
        assumeTrue(Libbpf.available(), "libbpf.so.1 is not loadable");
    }

    @Test
    void kernelBtfFollowsTheSysfsFile() {
        Features.Probe probe = Features.kernelBtf();

        boolean present = Files.isReadable(Path.of("/sys/kernel/btf/vmlinux"));
        assertEquals(present ? Status.SUPPORTED : Status.UNSUPPORTED, probe.status(), probe.toString());
        assertSame(probe, Features.kernelBtf(), "probed once");
    }

    @Test
    void aTracepointTheKernelDoesNotHaveIsUnsupported() {
        Features.Probe probe = Features.btfTracepoint("ioguard_no_such_tracepoint");

        assertEquals(Status.UNSUPPORTED, probe.status());
        assertEquals("tp_btf/ioguard_no_such_tracepoint (BTF-enabled tracepoints, 5.5+)", probe.feature());
        assertTrue(probe.detail().contains("btf_trace_ioguard_no_such_tracepoint"), probe.detail());
        assertEquals(-1, Features.btfTracepointArgs("ioguard_no_such_tracepoint"));
    }

    @Test
    void argumentCountExcludesTheContext() {
        assumeTrue(Features.kernelBtf().supported(), "no kernel BTF");

        // typedef void (*btf_trace_sys_enter)(void *, struct pt_regs *, long);
        assertEquals(Status.SUPPORTED, Features.btfTracepoint("sys_enter").status());
        assertEquals(2, Features.btfTracepointArgs("sys_enter"));
        // typedef void (*btf_trace_sys_exit)(void *, struct pt_regs *, long); present since BTF tracepoints exist
        assertEquals(2, Features.btfTracepointArgs("sys_exit"));
    }

    @Test
    void blockRqIssueSignatureIsTold() {
        assumeTrue(Features.kernelBtf().supported(), "no kernel BTF");
        assumeTrue(Features.btfTracepoint("block_rq_issue").supported(), "kernel without the block layer");

        int args = Features.btfTracepointArgs("block_rq_issue");

        assertTrue(args == 1 || args == 2, "(rq) since 5.11, (q, rq) before: " + args);
    }

    @Test
    void aModuleWithoutBtfLeavesTheTracepointUnsupportedSayingWhy() {
        assumeTrue(Features.kernelBtf().supported(), "no kernel BTF");

        Features.Probe probe = Features.btfTracepoint("ioguard_no_such_module", "ioguard_no_such_tracepoint");

        assertEquals(Status.UNSUPPORTED, probe.status(), probe.toString());
        assertTrue(probe.detail().contains("/sys/kernel/btf/ioguard_no_such_module"), probe.detail());
    }

    @Test
    void aTracepointInVmlinuxIsFoundThereWhateverModuleIsNamed() {
        assumeTrue(Features.kernelBtf().supported(), "no kernel BTF");

        Features.Probe probe = Features.btfTracepoint("ioguard_no_such_module", "sys_enter");

        assertEquals(Status.SUPPORTED, probe.status(), probe.toString());
        assertTrue(probe.detail().contains("(vmlinux)"), probe.detail());
    }

    @Test
    void enumeratorsAreFoundInAnonymousEnumsToo() {
        assumeTrue(Features.kernelBtf().supported(), "no kernel BTF");

        // BIO_NO_PAGE_REF/BIO_PAGE_PINNED changed, but BIO_CLONED has been in the anonymous bio flag enum all along.
        Features.Probe cloned = Features.btfEnumerator("BIO_CLONED");
        Features.Probe none = Features.btfEnumerator("IOGUARD_NO_SUCH_ENUMERATOR");

        assertEquals(Status.SUPPORTED, cloned.status(), cloned.toString());
        assertTrue(cloned.detail().startsWith("BIO_CLONED = 1 "), cloned.detail());
        assertEquals(Status.UNSUPPORTED, none.status(), none.toString());
        assertSame(cloned, Features.btfEnumerator("BIO_CLONED"), "probed once");
        assertThrows(IllegalArgumentException.class, () -> Features.btfEnumerator("BIO ZONE"));
    }

    @Test
    void tracepointNamesAreValidated() {
        assertThrows(IllegalArgumentException.class, () -> Features.btfTracepoint("block/block_rq_issue"));
        assertThrows(IllegalArgumentException.class, () -> Features.btfTracepoint(""));
        assertThrows(IllegalArgumentException.class, () -> Features.btfTracepoint("../ext4", "ext4_error"));
    }

    @Test
    void tracefsProbeFollowsTheMount() {
        boolean mounted = Files.isDirectory(Path.of("/sys/kernel/tracing/events"))
                || Files.isDirectory(Path.of("/sys/kernel/debug/tracing/events"));

        Features.Probe probe = Features.tracefs();

        assertEquals(mounted ? Status.SUPPORTED : Status.UNSUPPORTED, probe.status(), probe.toString());
        if (!mounted) {
            assertTrue(probe.detail().contains("mount -t tracefs nodev /sys/kernel/tracing"), probe.detail());
        }
    }
}
