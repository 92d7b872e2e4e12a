package dev.ioguard.bpf;

import dev.ioguard.bpf.internal.Errno;
import java.util.List;

/**
 * Thread-safe: immutable. A libbpf or bpf(2) operation failed: what was done ({@link #operation()}),
 * on which object ({@link #objectName()}), why ({@link #errno()}), and what libbpf printed about it
 * on the failing thread ({@link #libbpfMessages()}).
 *
 * <p>The message reads {@code "<operation> <object>: <text> [<NAME>] (errno N): <libbpf lines>"},
 * for example {@code "load ringtest: Operation not permitted [EPERM] (errno 1): needs root or
 * CAP_BPF and CAP_PERFMON; libbpf: ..."}.
 */
public class BpfException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    /** Lines quoted in the message; {@link #libbpfMessages()} keeps them all. */
    private static final int MAX_QUOTED_LINES = 8;

    private final String operation;
    private final String objectName;
    private final int errno;
    @SuppressWarnings("serial") // List.copyOf lists are serializable
    private final List<String> libbpfMessages;

    /**
     * @param errno          positive errno (or libbpf error code, 4000 and up)
     * @param libbpfMessages lines to quote, oldest first: libbpf's warnings or the binding's hints
     */
    public BpfException(String operation, String objectName, int errno, List<String> libbpfMessages) {
        super(message(operation, objectName, errno, libbpfMessages));
        this.operation = operation;
        this.objectName = objectName;
        this.errno = errno;
        this.libbpfMessages = List.copyOf(libbpfMessages);
    }

    /** The failed step, named after the libbpf call: "open", "load", "attach", "lookup", ... */
    public String operation() {
        return operation;
    }

    /** The object, program or map the operation was applied to. */
    public String objectName() {
        return objectName;
    }

    /** The positive errno, e.g. 1 for EPERM. */
    public int errno() {
        return errno;
    }

    /** The symbolic errno name, e.g. "EPERM". */
    public String errnoName() {
        return Errno.name(errno);
    }

    /** The lines quoted after the errno: libbpf's warnings during the call, and hints. */
    public List<String> libbpfMessages() {
        return libbpfMessages;
    }

    static String message(String operation, String objectName, int errno, List<String> lines) {
        StringBuilder message = new StringBuilder()
                .append(operation).append(' ').append(objectName).append(": ")
                .append(Errno.describe(errno)).append(" (errno ").append(errno).append(')');
        List<String> quoted = lines.size() <= MAX_QUOTED_LINES ? lines
                : lines.subList(lines.size() - MAX_QUOTED_LINES, lines.size());
        if (!quoted.isEmpty()) {
            message.append(": ").append(String.join("; ", quoted));
        }
        return message.toString();
    }
}
