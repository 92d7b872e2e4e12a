package dev.ioguard.exporter.fshealth;

/** Names of the errnos filesystems report (x86-64 and arm64 numbering, asm-generic). Stateless. */
final class Errnos {
    private Errnos() {}

    /** {@code EIO} for 5, ...; ext4's and xfs's aliases for the errnos they reuse; else {@code errno <n>}. */
    static String name(int errno) {
        int e = Math.abs(errno);
        return switch (e) {
            case 5 -> "EIO";
            case 12 -> "ENOMEM";
            case 28 -> "ENOSPC";
            case 30 -> "EROFS";
            case 27 -> "EFBIG";
            case 17 -> "EEXIST";
            case 34 -> "ERANGE";
            case 75 -> "EOVERFLOW";
            case 16 -> "EBUSY";
            case 20 -> "ENOTDIR";
            case 39 -> "ENOTEMPTY";
            case 108 -> "ESHUTDOWN";
            case 14 -> "EFAULT";
            case 117 -> "EFSCORRUPTED"; // EUCLEAN, as ext4 and xfs use it
            case 74 -> "EFSBADCRC"; // EBADMSG
            case 126 -> "ENOKEY";
            default -> "errno " + e;
        };
    }
}
