package dev.ioguard.exporter.events;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Fans events out to sinks without ever blocking the publisher (the ring buffer thread): each sink
 * has a bounded queue and its own thread; an event that finds a queue full is dropped for that sink
 * and counted. {@link #publish} is safe from any thread; {@link #close} drains for a bounded time.
 */
public final class EventPipeline implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(EventPipeline.class.getName());

    private final AtomicLong received = new AtomicLong();
    private final List<Lane> lanes = new ArrayList<>();

    /** Delivery counters of one sink. */
    public record SinkStats(String sink, long delivered, long droppedQueueFull, long failed) {}

    public EventPipeline(List<EventSink> sinks, int queueCapacity) {
        if (queueCapacity < 1) {
            throw new IllegalArgumentException("event queue capacity must be at least 1");
        }
        for (EventSink sink : sinks) {
            Lane lane = new Lane(sink, queueCapacity);
            lanes.add(lane);
            lane.thread.start();
        }
    }

    /** Hands the event to every sink's queue; never blocks. */
    public void publish(Event event) {
        received.incrementAndGet();
        for (Lane lane : lanes) {
            if (!lane.queue.offer(event)) {
                lane.droppedQueueFull.incrementAndGet();
            }
        }
    }

    public long received() {
        return received.get();
    }

    public List<SinkStats> sinkStats() {
        return lanes.stream().map(l -> new SinkStats(l.sink.name(), l.delivered.get(),
                l.droppedQueueFull.get(), l.failed.get())).toList();
    }

    /** Stops the sink threads after they drained their queues (bounded wait per sink). */
    @Override
    public void close() {
        for (Lane lane : lanes) {
            lane.closing = true;
        }
        for (Lane lane : lanes) {
            try {
                lane.thread.join(2_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static final class Lane implements Runnable {
        final EventSink sink;
        final BlockingQueue<Event> queue;
        final AtomicLong delivered = new AtomicLong();
        final AtomicLong droppedQueueFull = new AtomicLong();
        final AtomicLong failed = new AtomicLong();
        final Thread thread;
        volatile boolean closing;

        Lane(EventSink sink, int capacity) {
            this.sink = sink;
            this.queue = new ArrayBlockingQueue<>(capacity);
            this.thread = Thread.ofPlatform().daemon().name("ioguard-events-" + sink.name())
                    .unstarted(this);
        }

        @Override
        public void run() {
            while (true) {
                Event event;
                try {
                    event = queue.poll(100, TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    return;
                }
                if (event == null) {
                    if (closing) {
                        return;
                    }
                    continue;
                }
                try {
                    sink.deliver(event);
                    delivered.incrementAndGet();
                } catch (Exception e) {
                    failed.incrementAndGet();
                    LOG.log(Level.WARNING, "event sink " + sink.name() + " failed", e);
                }
            }
        }
    }
}
