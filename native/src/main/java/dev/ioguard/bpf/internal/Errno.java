package dev.ioguard.bpf.internal;

/**
 * Thread-safe: constants and pure functions. The errno values the binding treats as named cases,
 * and symbolic names for messages (strerror gives only the text).
 */
public final class Errno {
    public static final int EPERM = 1;
    public static final int ENOENT = 2;
    public static final int ESRCH = 3;
    public static final int EINTR = 4;
    public static final int EIO = 5;
    public static final int E2BIG = 7;
    public static final int EBADF = 9;
    public static final int EAGAIN = 11;
    public static final int ENOMEM = 12;
    public static final int EACCES = 13;
    public static final int EFAULT = 14;
    public static final int EBUSY = 16;
    public static final int EEXIST = 17;
    public static final int ENODEV = 19;
    public static final int EINVAL = 22;
    public static final int EMFILE = 24;
    public static final int ENOSPC = 28;
    public static final int ERANGE = 34;
    public static final int ENOSYS = 38;
    public static final int ELOOP = 40;
    public static final int ENODATA = 61;
    public static final int EPROTO = 71;
    public static final int EOVERFLOW = 75;
    public static final int EOPNOTSUPP = 95;
    public static final int ECANCELED = 125;
    /** Kernel-internal "not supported", leaks out of bpf(2) for some map operations. */
    public static final int ENOTSUPP = 524;
    /** libbpf's own error codes start here ({@code enum libbpf_errno}). */
    public static final int LIBBPF_ERRNO_START = 4000;

    private static final String[] LIBBPF_NAMES = {"LIBELF", "FORMAT", "KVERSION", "ENDIAN", "INTERNAL", "RELOC",
        "LOAD", "VERIFY", "PROG2BIG", "KVER", "PROGTYPE", "WRNGPID", "INVSEQ", "NLPARSE"};

    private Errno() {}

    /** "EPERM", "LIBBPF_ERRNO__RELOC", ... or "errno N" when the binding has no name for it. */
    public static String name(int errno) {
        return switch (errno) {
            case EPERM -> "EPERM";
            case ENOENT -> "ENOENT";
            case ESRCH -> "ESRCH";
            case EINTR -> "EINTR";
            case EIO -> "EIO";
            case E2BIG -> "E2BIG";
            case EBADF -> "EBADF";
            case EAGAIN -> "EAGAIN";
            case ENOMEM -> "ENOMEM";
            case EACCES -> "EACCES";
            case EFAULT -> "EFAULT";
            case EBUSY -> "EBUSY";
            case EEXIST -> "EEXIST";
            case ENODEV -> "ENODEV";
            case EINVAL -> "EINVAL";
            case EMFILE -> "EMFILE";
            case ENOSPC -> "ENOSPC";
            case ERANGE -> "ERANGE";
            case ENOSYS -> "ENOSYS";
            case ELOOP -> "ELOOP";
            case ENODATA -> "ENODATA";
            case EPROTO -> "EPROTO";
            case EOVERFLOW -> "EOVERFLOW";
            case EOPNOTSUPP -> "EOPNOTSUPP";
            case ECANCELED -> "ECANCELED";
            case ENOTSUPP -> "ENOTSUPP";
            default -> errno >= LIBBPF_ERRNO_START && errno < LIBBPF_ERRNO_START + LIBBPF_NAMES.length
                    ? "LIBBPF_ERRNO__" + LIBBPF_NAMES[errno - LIBBPF_ERRNO_START]
                    : "errno " + errno;
        };
    }

    /** strerror's text (libbpf's for its own codes), or null without libbpf. */
    public static String text(int errno) {
        if (errno == ENOTSUPP) {
            return "Operation not supported (kernel-internal ENOTSUPP)";
        }
        if (!NativeLibrary.available()) {
            return null;
        }
        String text = LibbpfGlobals.strerror(errno);
        return text == null || text.startsWith("Unknown") ? null : text;
    }

    /** "Operation not permitted [EPERM]": the text and the name, for messages. */
    public static String describe(int errno) {
        String text = text(errno);
        String name = name(errno);
        return text == null ? name : text + " [" + name + "]";
    }
}
