package dev.ioguard.bpf;

import dev.ioguard.bpf.internal.NativeHandle;

/**
 * Thread-safe: {@link #close()} may be called from any thread, any number of times. A program's
 * attachment to its hook; closing it detaches ({@code bpf_link__destroy} closes the link fd, and
 * the kernel detaches when no one else holds it). Closing the program's {@link Collection}
 * closes its open links too.
 */
public final class Link implements AutoCloseable {
    private final String programName;
    private final NativeHandle handle;
    private final Collection owner;

    Link(String programName, NativeHandle handle, Collection owner) {
        this.programName = programName;
        this.handle = handle;
        this.owner = owner;
    }

    public String programName() {
        return programName;
    }

    public boolean isClosed() {
        return handle.isClosed();
    }

    /** Detaches; idempotent. */
    @Override
    public void close() {
        if (handle.close()) {
            owner.forgetChild(this);
        }
    }

    @Override
    public String toString() {
        return "Link of " + programName + (isClosed() ? " (closed)" : "");
    }
}
