package dev.ioguard.exporter.cli;

/** A bad command line; its message is shown to the user with the usage hint. */
public final class UsageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public UsageException(String message) {
        super(message);
    }
}
