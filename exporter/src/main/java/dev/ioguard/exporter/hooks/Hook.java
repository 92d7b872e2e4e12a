package dev.ioguard.exporter.hooks;

import java.util.Objects;

/**
 * One kernel attachment point and whether it is live: what /healthz and the self metrics report.
 *
 * @param name   the program's section, e.g. {@code tp_btf/block_io_done}
 * @param purpose what the hook feeds, e.g. {@code disk request completion}
 * @param state  live, failed, or not used on this kernel (a fallback is in force)
 * @param detail why it failed or was not used; empty when live
 */
public record Hook(String name, String purpose, State state, String detail) {
    public enum State {
        LIVE, FAILED, NOT_USED;

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public Hook {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(purpose, "purpose");
        Objects.requireNonNull(state, "state");
        detail = detail == null ? "" : detail;
    }
}
