package dev.ioguard.bpf;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import dev.ioguard.bpf.internal.Errno;
import dev.ioguard.bpf.internal.LibbpfLog;
import dev.ioguard.bpf.internal.NativeHandle;
import dev.ioguard.bpf.internal.PointerResult;
import dev.ioguard.bpf.internal.RingBufferCalls;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Thread-safe: {@link #close()} and the counters may be called from any thread, including from
 * inside the handler. Consumes a {@code BPF_MAP_TYPE_RINGBUF} map on its own platform daemon
 * thread: {@code ring_buffer__poll} with a {@value #POLL_TIMEOUT_MILLIS} ms timeout, so a close is
 * noticed within that time.
 *
 * <p>The handler runs on that thread, one record at a time, and gets a read-only ByteBuffer in
 * native byte order (little-endian on x86-64 and arm64) over a copy of the record, which it may
 * keep. An exception from the handler is logged, counted in {@link #handlerFailures()} and
 * dropped: it never reaches the native caller (that would kill the JVM).
 */
public final class RingBufferReader implements AutoCloseable {
    static final int POLL_TIMEOUT_MILLIS = 100;
    static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);
    private static final System.Logger LOG = System.getLogger(RingBufferReader.class.getName());

    private final String mapName;
    private final Consumer<ByteBuffer> handler;
    private final Collection owner;
    private final AtomicLong recordsRead = new AtomicLong();
    private final AtomicLong handlerFailures = new AtomicLong();
    private final NativeHandle ring;
    private volatile boolean stopping;
    private volatile Thread thread;

    private RingBufferReader(BpfMap map, Consumer<ByteBuffer> handler) {
        this.mapName = map.name();
        this.handler = handler;
        this.owner = map.owner();
        this.ring = createRing(map);
    }

    /**
     * Starts consuming {@code ringBuffer} on a new thread named {@code threadName}. The reader is
     * owned by the map's collection too: closing the collection closes it.
     *
     * @throws IllegalArgumentException if the map is not a ring buffer
     * @throws BpfException             if libbpf cannot set up the ring buffer
     */
    public static RingBufferReader start(BpfMap ringBuffer, String threadName, Consumer<ByteBuffer> handler) {
        Objects.requireNonNull(ringBuffer, "ringBuffer");
        Objects.requireNonNull(threadName, "threadName");
        Objects.requireNonNull(handler, "handler");
        if (ringBuffer.type() != BpfMap.TYPE_RINGBUF) {
            throw new IllegalArgumentException("map " + ringBuffer.name() + " is a " + ringBuffer.typeName()
                    + " map, not a ringbuf");
        }
        RingBufferReader reader = new RingBufferReader(ringBuffer, handler);
        try {
            Thread thread = Thread.ofPlatform().name(threadName).daemon(true).unstarted(reader::run);
            reader.thread = thread;
            reader.owner.adoptChild(reader);
            thread.start();
        } catch (RuntimeException | Error e) {
            reader.close();
            throw e;
        }
        return reader;
    }

    /** Records handed to the handler so far (including those it failed on). */
    public long recordsRead() {
        return recordsRead.get();
    }

    /** Records whose handler threw. */
    public long handlerFailures() {
        return handlerFailures.get();
    }

    /** Whether the polling thread is still running: false after close, or after a poll error (logged). */
    public boolean isRunning() {
        Thread t = thread;
        return t != null && t.isAlive() && !stopping;
    }

    /**
     * Stops polling, waits up to {@link #CLOSE_TIMEOUT} for the thread (not when called from the
     * handler itself), and frees the ring buffer (unmaps it, closes its epoll fd) once the thread
     * has let go of it. Idempotent.
     */
    @Override
    public void close() {
        stopping = true;
        boolean first = ring.close();
        Thread t = thread;
        if (t != null && t != Thread.currentThread()) {
            try {
                if (!t.join(CLOSE_TIMEOUT)) {
                    LOG.log(System.Logger.Level.WARNING, "ring buffer reader " + t.getName() + " of map " + mapName
                            + " did not stop within " + CLOSE_TIMEOUT + "; its handler is still running");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (first) {
            owner.forgetChild(this);
        }
    }

    @Override
    public String toString() {
        return "RingBufferReader of " + mapName + (stopping ? " (closed)" : "");
    }

    private NativeHandle createRing(BpfMap map) {
        // The upcall stub must outlive the ring buffer, so the handle closes its arena after ring_buffer__free.
        Arena stubArena = Arena.ofShared();
        owner.acquire();
        try (LibbpfLog.Capture capture = LibbpfLog.capture()) {
            var target = MethodHandles.lookup().findVirtual(RingBufferReader.class, "onRecord",
                    MethodType.methodType(int.class, MemorySegment.class, MemorySegment.class, long.class))
                    .bindTo(this);
            MemorySegment callback = RingBufferCalls.upcallStub(target, stubArena);
            PointerResult created = RingBufferCalls.create(map.fd(), callback);
            if (created.failed()) {
                throw Failures.of("ring_buffer__new", mapName, created.errno(), capture.messages());
            }
            return NativeHandle.ofPointer(NativeHandle.Kind.RING_BUFFER, "ring buffer of " + mapName,
                    created.pointer(), stubArena);
        } catch (ReflectiveOperationException e) {
            stubArena.close();
            throw new IllegalStateException(e);
        } catch (RuntimeException | Error e) {
            stubArena.close();
            throw e;
        } finally {
            owner.release();
        }
    }

    private void run() {
        MemorySegment rb;
        try {
            rb = ring.acquirePointer();
        } catch (IllegalStateException closedBeforeStart) {
            return;
        }
        try {
            while (!stopping) {
                int rc = RingBufferCalls.poll(rb, POLL_TIMEOUT_MILLIS);
                if (rc < 0 && rc != -Errno.EINTR && !stopping) {
                    LOG.log(System.Logger.Level.ERROR, Failures.of("ring_buffer__poll", mapName, -rc).getMessage()
                            + "; reader " + Thread.currentThread().getName() + " stops");
                    stopping = true;
                }
            }
        } finally {
            ring.release();
        }
    }

    /** The libbpf sample callback, on the polling thread. Never throws. */
    private int onRecord(MemorySegment context, MemorySegment data, long size) {
        if (stopping) {
            return -Errno.ECANCELED; // ends this poll early; nobody wants the rest
        }
        try {
            byte[] copy = data.reinterpret(size).toArray(JAVA_BYTE);
            recordsRead.incrementAndGet();
            handler.accept(ByteBuffer.wrap(copy).asReadOnlyBuffer().order(ByteOrder.nativeOrder()));
        } catch (Throwable t) {
            long failures = handlerFailures.incrementAndGet();
            try {
                if (Long.bitCount(failures) == 1) { // 1, 2, 4, 8, ...: visible without flooding
                    LOG.log(System.Logger.Level.WARNING, "ring buffer handler for map " + mapName + " failed ("
                            + failures + " failures so far)", t);
                }
            } catch (Throwable ignored) {
                // Logging must not be the thing that escapes the upcall.
            }
        }
        return 0;
    }
}
