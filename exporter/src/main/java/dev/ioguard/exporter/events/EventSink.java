package dev.ioguard.exporter.events;

/**
 * A destination for events. {@link #deliver} is called from one dedicated thread per sink (the
 * {@link EventPipeline}'s), never concurrently, and may block or throw: the pipeline counts it.
 */
public interface EventSink {
    /** A short name for self metrics, e.g. {@code stdout}. */
    String name();

    void deliver(Event event) throws Exception;
}
