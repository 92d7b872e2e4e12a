package dev.ioguard.exporter.events;

/** OpenTelemetry log severities used by ioguard's events, with their severity numbers. */
public enum Severity {
    INFO(9), WARN(13), ERROR(17);

    private final int number;

    Severity(int number) {
        this.number = number;
    }

    /** The OpenTelemetry SeverityNumber. */
    public int number() {
        return number;
    }

    /** The text form used in JSON lines and as OpenTelemetry SeverityText. */
    public String text() {
        return name();
    }
}
