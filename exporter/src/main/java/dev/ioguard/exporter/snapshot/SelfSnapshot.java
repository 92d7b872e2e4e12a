package dev.ioguard.exporter.snapshot;

import dev.ioguard.exporter.hooks.Hook;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * The exporter's own health at one collection: hooks, the event path's counters, and what the
 * kernel programs could not account.
 *
 * @param eventsDroppedInKernel events lost because the kernel ring buffer was full
 * @param sinks                 per sink: delivered, dropped because its queue was full, failed
 * @param blockUnaccounted      block requests the programs could not account, by reason
 * @param sinkRetries           per sink name: export attempts after the first (sinks that retry)
 * @param otlpMetricExportsFailed OTLP metric exports that failed; empty when OTLP metrics are off
 */
public record SelfSnapshot(List<Hook> hooks, long eventsReceived, long eventsDroppedInKernel,
        List<SinkCounters> sinks, Map<String, Long> blockUnaccounted,
        Map<String, Long> sinkRetries, OptionalLong otlpMetricExportsFailed) {
    public record SinkCounters(String sink, long delivered, long droppedQueueFull, long failed) {}

    public SelfSnapshot {
        hooks = List.copyOf(hooks);
        sinks = List.copyOf(sinks);
        blockUnaccounted = Map.copyOf(blockUnaccounted);
        sinkRetries = Map.copyOf(sinkRetries);
        Objects.requireNonNull(otlpMetricExportsFailed, "otlpMetricExportsFailed");
    }

    /** A snapshot without OTLP metric export. */
    public SelfSnapshot(List<Hook> hooks, long eventsReceived, long eventsDroppedInKernel,
            List<SinkCounters> sinks, Map<String, Long> blockUnaccounted,
            Map<String, Long> sinkRetries) {
        this(hooks, eventsReceived, eventsDroppedInKernel, sinks, blockUnaccounted, sinkRetries,
                OptionalLong.empty());
    }

    /** A snapshot in which no sink retries. */
    public SelfSnapshot(List<Hook> hooks, long eventsReceived, long eventsDroppedInKernel,
            List<SinkCounters> sinks, Map<String, Long> blockUnaccounted) {
        this(hooks, eventsReceived, eventsDroppedInKernel, sinks, blockUnaccounted, Map.of());
    }
}
