package dev.ioguard.exporter.fs;

/**
 * A filesystem failure as the kernel reported it (struct fs_event, bpf/fs_events.h).
 *
 * @param monotonicNs when, in CLOCK_MONOTONIC nanoseconds (the clock of System.nanoTime on Linux)
 * @param kernelDev   the superblock's dev_t in the kernel encoding
 * @param fsId        the superblock's s_id, normally the device name
 */
public record FsEvent(long monotonicNs, Kind kind, int kernelDev, int line, int pid, String comm,
        String fsId, String function) {
    public enum Kind {
        EXT4_ERROR(1, "ext4");

        private final int code;
        private final String fsType;

        Kind(int code, String fsType) {
            this.code = code;
            this.fsType = fsType;
        }

        public String fsType() {
            return fsType;
        }

        static Kind fromCode(int code) {
            for (Kind k : values()) {
                if (k.code == code) {
                    return k;
                }
            }
            throw new IllegalArgumentException("unknown fs_event kind " + code);
        }
    }
}
