package dev.ioguard.bpf;

import java.util.List;
import java.util.stream.Stream;

/**
 * Thread-safe: immutable. The kernel refused to load a program ({@code BPF_PROG_LOAD} failed):
 * which program, the errno, and the verifier log libbpf captured. The log is empty when the
 * kernel refused before verifying, as with fentry programs where BPF trampolines are not allowed
 * (EPERM).
 */
public final class VerifierException extends BpfException {
    private static final long serialVersionUID = 1L;
    private static final int LOG_LINES_IN_MESSAGE = 3;

    private final String programName;
    @SuppressWarnings("serial") // List.copyOf lists are serializable
    private final List<String> log;

    public VerifierException(String objectName, String programName, int errno, List<String> libbpfMessages,
                             List<String> log) {
        super("load", objectName, errno, withLogTail(programName, libbpfMessages, log));
        this.programName = programName;
        this.log = List.copyOf(log);
    }

    public String programName() {
        return programName;
    }

    /** The verifier log, one entry per line, oldest first; empty if the kernel gave none. */
    public List<String> log() {
        return log;
    }

    /** The last {@code n} log lines, where the verifier states its reason. */
    public List<String> lastLines(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("negative line count " + n);
        }
        return log.subList(Math.max(0, log.size() - n), log.size());
    }

    private static List<String> withLogTail(String program, List<String> messages, List<String> log) {
        if (log.isEmpty()) {
            return messages;
        }
        List<String> tail = log.subList(Math.max(0, log.size() - LOG_LINES_IN_MESSAGE), log.size());
        return Stream.concat(messages.stream(),
                Stream.of("verifier log of " + program + " ends: " + String.join(" | ", tail)))
                .toList();
    }
}
