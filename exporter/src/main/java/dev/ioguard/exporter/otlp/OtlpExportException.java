package dev.ioguard.exporter.otlp;

/** An OTLP export that did not succeed within the retry policy; the message says why. */
public final class OtlpExportException extends Exception {
    private static final long serialVersionUID = 1L;

    public OtlpExportException(String message) {
        super(message);
    }
}
