package dev.ioguard.exporter.build;

import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ioguard.exporter.testsupport.Command;
import dev.ioguard.exporter.testsupport.KernelAssumptions;
import dev.ioguard.exporter.testsupport.ProjectFiles;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The BPF build (bpf/Makefile) fails on a missing tool with one line that names the package. */
class BpfBuildTest {
    @Test
    void aMissingClangIsOneLineNamingThePackage(@TempDir Path out) {
        KernelAssumptions.requireProgram("make");
        Command.Result r = Command.exec("make", "--no-print-directory", "-C",
                ProjectFiles.root().resolve("bpf").toString(), "OUT=" + out,
                "CLANG=clang-that-is-not-installed");
        assertNotEquals(0, r.exitCode());
        assertTrue(r.output().contains("clang not found; install it: apt-get install clang"), r.output());
    }

    @Test
    void theObjectsBuildWithoutTheBuildHostsBtf(@TempDir Path out) {
        KernelAssumptions.requireProgram("clang");
        // kernel_types.h replaces vmlinux.h: nothing in the build reads /sys/kernel/btf.
        Command.Result r = Command.exec("make", "--no-print-directory", "-C",
                ProjectFiles.root().resolve("bpf").toString(), "OUT=" + out);
        assertTrue(r.succeeded(), r.output());
        assertTrue(!r.output().contains("/sys/kernel/btf"), r.output());
        assertTrue(out.resolve("block_requests.bpf.o").toFile().isFile());
    }
}
