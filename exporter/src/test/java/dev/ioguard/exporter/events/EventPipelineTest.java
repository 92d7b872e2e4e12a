package dev.ioguard.exporter.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class EventPipelineTest {
    private static Event event(int n) {
        return new Event("test", Severity.INFO, Instant.EPOCH, Map.of("n", n));
    }

    @Test
    void deliversEveryEventToEverySink() throws Exception {
        List<Event> a = new CopyOnWriteArrayList<>();
        List<Event> b = new CopyOnWriteArrayList<>();
        try (EventPipeline p = new EventPipeline(List.of(sink("a", a::add), sink("b", b::add)), 16)) {
            for (int i = 0; i < 10; i++) {
                p.publish(event(i));
            }
            waitFor(() -> a.size() == 10 && b.size() == 10);
            assertEquals(10, p.received());
            assertEquals(10, p.sinkStats().get(0).delivered());
        }
    }

    @Test
    void aBlockedSinkNeverBlocksThePublisherAndEveryDropIsCounted() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch first = new CountDownLatch(1);
        EventSink stuck = sink("stuck", e -> {
            first.countDown();
            release.await();
        });
        try (EventPipeline p = new EventPipeline(List.of(stuck), 4)) {
            p.publish(event(0));
            assertTrue(first.await(5, TimeUnit.SECONDS));
            long start = System.nanoTime();
            for (int i = 1; i <= 100; i++) {
                p.publish(event(i)); // 4 fit in the queue, 96 are dropped
            }
            assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(5));
            assertEquals(96, p.sinkStats().get(0).droppedQueueFull());
            release.countDown();
            waitFor(() -> p.sinkStats().get(0).delivered() == 5);
        }
    }

    @Test
    void aFailingSinkIsCountedAndKeepsRunning() throws Exception {
        List<Event> seen = new CopyOnWriteArrayList<>();
        EventSink flaky = sink("flaky", e -> {
            if (((Integer) e.attributes().get("n")) % 2 == 0) {
                throw new IllegalStateException("down");
            }
            seen.add(e);
        });
        try (EventPipeline p = new EventPipeline(List.of(flaky), 16)) {
            for (int i = 0; i < 6; i++) {
                p.publish(event(i));
            }
            waitFor(() -> p.sinkStats().get(0).failed() == 3 && seen.size() == 3);
        }
    }

    interface Action {
        void accept(Event e) throws Exception;
    }

    private static EventSink sink(String name, Action action) {
        return new EventSink() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public void deliver(Event event) throws Exception {
                action.accept(event);
            }
        };
    }

    private static void waitFor(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 5 s");
            }
            Thread.sleep(10);
        }
    }
}
