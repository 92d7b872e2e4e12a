package dev.ioguard.exporter.block;

import java.util.Locale;

/**
 * Which tracepoints the block programs attach to ({@code --block.tracepoints}): BTF tracepoints,
 * classic ones (tracefs, no BTF needed, keyed by device and sector), or BTF with the classic ones
 * as the fallback where the kernel has no BTF or refuses tp_btf. Immutable.
 */
public enum TracepointMode {
    AUTO, BTF, CLASSIC;

    /** The flag's value: {@code auto}, {@code btf} or {@code classic}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** @throws IllegalArgumentException naming the accepted values */
    public static TracepointMode parse(String value) {
        for (TracepointMode m : values()) {
            if (m.label().equals(value)) {
                return m;
            }
        }
        throw new IllegalArgumentException("must be auto, btf or classic, got '" + value + "'");
    }
}
