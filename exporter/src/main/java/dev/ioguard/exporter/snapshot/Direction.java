package dev.ioguard.exporter.snapshot;

/**
 * {@code disk.io.direction}: the groups /proc/diskstats counts requests in. Flush and other
 * operations are reserved names of the public contract; the request collector fills read, write
 * and discard.
 */
public enum Direction {
    READ("read"),
    WRITE("write"),
    DISCARD("discard"),
    FLUSH("flush"),
    OTHER("other");

    private final String label;

    Direction(String label) {
        this.label = label;
    }

    /** The attribute / label value. */
    public String label() {
        return label;
    }

    /** The kernel's enum io_direction (bpf/block_requests.h). */
    public static Direction fromKernel(int value) {
        return switch (value) {
            case 0 -> READ;
            case 1 -> WRITE;
            case 2 -> DISCARD;
            default -> OTHER;
        };
    }
}
