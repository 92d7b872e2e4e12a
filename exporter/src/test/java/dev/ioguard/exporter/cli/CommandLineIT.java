package dev.ioguard.exporter.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ioguard.exporter.testsupport.ExporterProcess;
import dev.ioguard.exporter.testsupport.KernelAssumptions;
import dev.ioguard.exporter.testsupport.Root;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ioguard command as a user meets it: help, version, and a clear error for bad input. */
class CommandLineIT {
    record Result(int exit, String stdout, String stderr) {}

    private static Result run(List<String> prefix, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(prefix);
        cmd.addAll(ExporterProcess.javaCommand(ExporterProcess.jar()));
        cmd.addAll(List.of(args));
        return run(cmd);
    }

    private static Result run(List<String> cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).start();
        var out = p.getInputStream();
        var err = p.getErrorStream();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(cmd + " did not exit");
        }
        return new Result(p.exitValue(), new String(out.readAllBytes()), new String(err.readAllBytes()));
    }

    @Test
    void helpListsTheFlagsAndExitsZero() throws Exception {
        Result r = run(List.of(), "--help");
        assertEquals(0, r.exit());
        assertTrue(r.stdout().contains("--web.listen-address"), r.stdout());
        assertTrue(r.stdout().contains("--version"), r.stdout());
    }

    @Test
    void versionPrintsTheBuiltVersion() throws Exception {
        Result r = run(List.of(), "--version");
        assertEquals(0, r.exit());
        assertTrue(r.stdout().matches("ioguard \\d+\\.\\d+\\.\\d+.*\\n"), r.stdout());
    }

    @Test
    void anUnknownFlagIsExitTwoWithOneLineAndNoStackTrace() throws Exception {
        Result r = run(List.of(), "--web.listen-adress=:1");
        assertEquals(2, r.exit());
        assertTrue(r.stderr().contains("unknown flag '--web.listen-adress=:1'"), r.stderr());
        assertFalse(r.stderr().contains("Exception"), r.stderr());
    }

    @Test
    void aMalformedListenAddressIsAUsageError() throws Exception {
        Result r = run(List.of(), "--web.listen-address=localhost");
        assertEquals(2, r.exit());
        assertTrue(r.stderr().contains("host:port"), r.stderr());
    }

    @Test
    void aTakenPortIsExitOneNamingTheAddress() throws Exception {
        Root.require(); // the exporter gets as far as binding only with BPF permission
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            String address = "127.0.0.1:" + taken.getLocalPort();
            Result r = run(List.of(), "--web.listen-address=" + address);
            assertEquals(1, r.exit(), r.stderr());
            assertTrue(r.stderr().contains("cannot listen on " + address), r.stderr());
            assertFalse(r.stderr().contains("\tat "), r.stderr());
        }
    }

    @Test
    void withoutBpfPermissionItSaysWhichPrivilegesItNeeds(@TempDir Path dir) throws Exception {
        Root.require(); // dropping privileges to nobody
        KernelAssumptions.requireProgram("setpriv");
        // The unprivileged user must be able to read the jar.
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path jar = Files.copy(ExporterProcess.jar(), dir.resolve("ioguard.jar"));
        Files.setPosixFilePermissions(jar, PosixFilePermissions.fromString("rw-r--r--"));
        List<String> cmd = new ArrayList<>(List.of("setpriv", "--reuid=nobody", "--regid=nogroup",
                "--clear-groups", "--inh-caps=-all", "--bounding-set=-all"));
        cmd.addAll(ExporterProcess.javaCommand(jar));
        cmd.add("--web.listen-address=127.0.0.1:" + ExporterProcess.freePort());
        Result r = run(cmd);
        assertEquals(1, r.exit(), r.stderr());
        assertTrue(r.stderr().contains("CAP_BPF") && r.stderr().contains("root"), r.stderr());
        assertFalse(r.stderr().contains("\tat "), r.stderr());
    }
}
