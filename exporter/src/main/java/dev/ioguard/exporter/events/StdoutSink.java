package dev.ioguard.exporter.events;

import java.io.PrintStream;

/** Writes each event as a JSON line. Used from the pipeline's single sink thread. */
public final class StdoutSink implements EventSink {
    private final PrintStream out;

    public StdoutSink(PrintStream out) {
        this.out = out;
    }

    @Override
    public String name() {
        return "stdout";
    }

    @Override
    public void deliver(Event event) {
        out.println(JsonLines.format(event));
        out.flush();
        if (out.checkError()) {
            throw new IllegalStateException("writing to stdout failed");
        }
    }
}
