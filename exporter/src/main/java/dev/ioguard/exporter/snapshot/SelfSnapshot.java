package dev.ioguard.exporter.snapshot;

import dev.ioguard.exporter.hooks.Hook;
import java.util.List;
import java.util.Map;

/**
 * The exporter's own health at one collection: hooks, the event path's counters, and what the
 * kernel programs could not account.
 *
 * @param eventsDroppedInKernel events lost because the kernel ring buffer was full
 * @param sinks                 per sink: delivered, dropped because its queue was full, failed
 * @param blockUnaccounted      block requests the programs could not account, by reason
 * @param sinkRetries           per sink name: export attempts after the first (sinks that retry)
 */
public record SelfSnapshot(List<Hook> hooks, long eventsReceived, long eventsDroppedInKernel,
        List<SinkCounters> sinks, Map<String, Long> blockUnaccounted,
        Map<String, Long> sinkRetries) {
    public record SinkCounters(String sink, long delivered, long droppedQueueFull, long failed) {}

    public SelfSnapshot {
        hooks = List.copyOf(hooks);
        sinks = List.copyOf(sinks);
        blockUnaccounted = Map.copyOf(blockUnaccounted);
        sinkRetries = Map.copyOf(sinkRetries);
    }

    /** A snapshot in which no sink retries. */
    public SelfSnapshot(List<Hook> hooks, long eventsReceived, long eventsDroppedInKernel,
            List<SinkCounters> sinks, Map<String, Long> blockUnaccounted) {
        this(hooks, eventsReceived, eventsDroppedInKernel, sinks, blockUnaccounted, Map.of());
    }
}
