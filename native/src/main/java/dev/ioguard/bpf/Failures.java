package dev.ioguard.bpf;

import dev.ioguard.bpf.internal.Errno;
import dev.ioguard.bpf.internal.LibbpfMessages;
import dev.ioguard.bpf.internal.Privileges;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Thread-safe: stateless. Builds the exception for a failed call from its errno and the libbpf
 * messages captured on the calling thread, adding the hints an operator needs.
 */
final class Failures {
    static final String TRACEFS_HINT = "tracefs is not mounted, so classic tracepoints cannot be found:"
            + " mount -t tracefs nodev /sys/kernel/tracing";

    private Failures() {}

    static BpfException of(String operation, String objectName, int errno, List<String> messages) {
        return new BpfException(operation, objectName, errno, withHints(errno, LibbpfMessages.summary(messages),
                Privileges.canLoadTracingPrograms()));
    }

    static BpfException of(String operation, String objectName, int errno) {
        return of(operation, objectName, errno, List.of());
    }

    /** A failed {@code bpf_object__load}: a VerifierException when libbpf named the refused program. */
    static BpfException load(String objectName, int errno, List<String> messages) {
        Optional<String> program = LibbpfMessages.failedProgram(messages);
        List<String> summary = withHints(errno, LibbpfMessages.summary(messages), Privileges.canLoadTracingPrograms());
        if (program.isPresent()) {
            return new VerifierException(objectName, program.get(), errno, summary,
                    LibbpfMessages.verifierLog(messages));
        }
        return new BpfException("load", objectName, errno, summary);
    }

    /** A failed attach; names tracefs when a classic tracepoint could not be resolved without it. */
    static BpfException attach(String programName, String sectionName, int errno, List<String> messages) {
        List<String> lines = withHints(errno, LibbpfMessages.summary(messages), Privileges.canLoadTracingPrograms());
        boolean classicTracepoint = sectionName.startsWith("tracepoint/") || sectionName.startsWith("tp/");
        if (classicTracepoint && errno == Errno.ENOENT && !tracefsMounted()) {
            lines = append(lines, TRACEFS_HINT);
        }
        return new BpfException("attach", programName, errno, lines);
    }

    /**
     * The privilege hint goes first (libbpf's own EPERM advice, raise 'ulimit -l', is left out of
     * the summary: it misleads).
     */
    static List<String> withHints(int errno, List<String> lines, boolean privileged) {
        if (errno != Errno.EPERM || privileged) {
            return lines;
        }
        List<String> hinted = new ArrayList<>(lines.size() + 1);
        hinted.add(Privileges.HINT);
        hinted.addAll(lines);
        return hinted;
    }

    static boolean tracefsMounted() {
        return Files.isDirectory(Path.of("/sys/kernel/tracing/events"))
                || Files.isDirectory(Path.of("/sys/kernel/debug/tracing/events"));
    }

    private static List<String> append(List<String> lines, String line) {
        List<String> appended = new ArrayList<>(lines);
        appended.add(line);
        return appended;
    }
}
