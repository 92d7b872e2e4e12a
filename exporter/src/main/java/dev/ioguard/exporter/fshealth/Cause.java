package dev.ioguard.exporter.fshealth;

/** Why a filesystem stopped accepting writes (the {@code cause} attribute and label). */
public enum Cause {
    /** The filesystem detected an error and, per errors=remount-ro (or a forced abort), went read-only. */
    FS_ERROR("fs_error"),
    /** The filesystem was shut down (xfs force shutdown, ext4 shutdown). */
    SHUTDOWN("shutdown"),
    /** Someone asked for it through mount(2), fsconfig(2) or mount_setattr(2). */
    ADMIN("admin"),
    /** The device under the filesystem went away (shutdown causes only). */
    DEVICE_REMOVED("device_removed"),
    /** Seen in the mount table, with nothing to explain it. */
    UNKNOWN("unknown");

    private final String label;

    Cause(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
