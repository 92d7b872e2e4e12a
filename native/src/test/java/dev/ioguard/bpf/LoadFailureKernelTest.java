package dev.ioguard.bpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A refused load says which program, why, and what libbpf and the verifier said; nothing is left behind. */
class LoadFailureKernelTest {
    @BeforeEach
    void bpfIsUsable() {
        KernelTestSupport.requireBpf();
    }

    @Test
    void theVerifierLogOfARejectedProgramIsKept() {
        Map<String, Integer> before = FdCensus.anonymousInodes();
        CollectionSpec spec = CollectionSpec.open("rejected", KernelTestSupport.bpfObject("rejected"));

        VerifierException e = assertThrows(VerifierException.class, spec::load);

        assertEquals("reads_null", e.programName());
        assertEquals(13, e.errno(), "EACCES: the verifier refused");
        assertEquals("load", e.operation());
        assertEquals("rejected", e.objectName());
        assertTrue(e.log().stream().anyMatch(line -> line.contains("invalid mem access 'map_value_or_null'")),
                () -> String.join("\n", e.log()));
        assertTrue(e.lastLines(3).stream().anyMatch(line -> line.contains("invalid mem access")), e::getMessage);
        assertTrue(e.getMessage().startsWith("load rejected: Permission denied [EACCES] (errno 13): libbpf: prog"
                + " 'reads_null': BPF program load failed"), e.getMessage());
        assertThrows(IllegalStateException.class, spec::programNames, "a failed load closes the spec");
        spec.close();
        assertEquals(before, FdCensus.anonymousInodes(), "the maps load had created are closed");
    }

    @Test
    void aRefusedFentryProgramIsReportedWithErrnoAndLibbpfsMessage() {
        CollectionSpec spec = Ringtest.open();
        Ringtest.configureForThisThread(spec);

        VerifierException e = assertThrows(VerifierException.class, spec::load);

        // Measured on 6.18 here: BPF_PROG_LOAD of fentry fails with EPERM even for root, without a verifier log.
        assertEquals(Ringtest.REFUSED_FENTRY, e.programName());
        assertEquals(1, e.errno(), e.getMessage());
        assertTrue(e.libbpfMessages().contains("libbpf: prog 'refused_fentry': BPF program load failed: Operation not"
                + " permitted"), e.getMessage());
        assertTrue(e.log().isEmpty(), () -> String.join("\n", e.log()));
        assertTrue(e.getMessage().contains("(errno 1)"), e.getMessage());
    }

    @Test
    void withoutPrivilegesLoadingSaysWhatIsNeeded() throws IOException, InterruptedException {
        if (!Files.isExecutable(Path.of("/usr/bin/setpriv"))) {
            KernelTestSupport.skipOrFail("setpriv (util-linux) is needed to drop privileges for this test");
        }
        Path classes = Path.of(System.getProperty("basedir", "."), "target");
        String java = ProcessHandle.current().info().command().orElseThrow();
        Process child = new ProcessBuilder("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                "--inh-caps=-all", java, "--enable-native-access=ALL-UNNAMED", "-cp",
                classes.resolve("classes") + ":" + classes.resolve("test-classes"), UnprivilegedLoad.class.getName())
                .redirectErrorStream(true).start();
        String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(child.waitFor(60, TimeUnit.SECONDS), output);

        assertEquals(0, child.exitValue(), output);
        assertTrue(output.contains("bpfSyscall UNSUPPORTED needs root or CAP_BPF and CAP_PERFMON"), output);
        assertTrue(output.contains("load BpfException errno=1 message=load ringtest: Operation not permitted [EPERM]"
                + " (errno 1): needs root or CAP_BPF and CAP_PERFMON"), output);
    }
}
