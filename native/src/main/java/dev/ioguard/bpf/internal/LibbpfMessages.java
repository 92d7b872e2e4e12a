package dev.ioguard.bpf.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Thread-safe: stateless. Reads what libbpf 1.x printed while a call failed: which program the
 * kernel refused, its verifier log, and the remaining lines worth quoting in an exception.
 */
public final class LibbpfMessages {
    /** libbpf 1.x: {@code pr_warn("prog '%s': BPF program load failed: %s\n", ...)}. */
    private static final Pattern LOAD_FAILED = Pattern.compile("prog '([^']+)': BPF program load failed");
    private static final String LOG_BEGIN = "-- BEGIN PROG LOAD LOG --";
    private static final String LOG_END = "-- END PROG LOAD LOG --";
    /**
     * libbpf 1.x prints this after every EPERM of a load. Since 5.11 BPF memory is charged to the
     * memory cgroup, not RLIMIT_MEMLOCK (libbpf checks this itself before it raises the limit), so
     * on every kernel this binding supports the hint sends readers after the wrong cause: an EPERM
     * there is the kernel refusing the program (lockdown, fentry not permitted, capabilities).
     */
    private static final Pattern MEMLOCK_HINT = Pattern.compile("try raising 'ulimit -l'");

    private LibbpfMessages() {}

    /** The program whose BPF_PROG_LOAD failed, if libbpf said so. */
    public static Optional<String> failedProgram(List<String> messages) {
        for (String message : messages) {
            Matcher m = LOAD_FAILED.matcher(message);
            if (m.find()) {
                return Optional.of(m.group(1));
            }
        }
        return Optional.empty();
    }

    /** The verifier log libbpf printed between its BEGIN/END markers, one entry per line. */
    public static List<String> verifierLog(List<String> messages) {
        List<String> log = new ArrayList<>();
        for (String message : messages) {
            int begin = message.indexOf(LOG_BEGIN);
            if (begin < 0) {
                continue;
            }
            int end = message.indexOf(LOG_END, begin);
            String body = message.substring(begin + LOG_BEGIN.length(), end < 0 ? message.length() : end);
            body.lines().filter(line -> !line.isBlank()).forEach(log::add);
        }
        return log;
    }

    /**
     * Every line, with each verifier log replaced by its line count; trimmed, without blank lines,
     * and without libbpf's RLIMIT_MEMLOCK hint (see {@link #MEMLOCK_HINT}).
     */
    public static List<String> summary(List<String> messages) {
        List<String> lines = new ArrayList<>();
        for (String message : messages) {
            int begin = message.indexOf(LOG_BEGIN);
            if (begin >= 0) {
                int end = message.indexOf(LOG_END, begin);
                long logLines = verifierLog(List.of(message)).size();
                message = message.substring(0, begin) + "verifier log of " + logLines + " lines"
                        + (end < 0 ? "" : message.substring(end + LOG_END.length()));
            }
            message.lines().map(String::strip)
                    .filter(line -> !line.isEmpty() && !MEMLOCK_HINT.matcher(line).find())
                    .forEach(lines::add);
        }
        return lines;
    }
}
