package dev.ioguard.exporter.block;

import dev.ioguard.bpf.BpfMap;
import dev.ioguard.bpf.Features;
import dev.ioguard.bpf.RingBufferReader;
import dev.ioguard.exporter.bpf.LoadedObject;
import dev.ioguard.exporter.hooks.Hook;
import dev.ioguard.exporter.hooks.HookRegistry;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Failed block requests (bpf/block_errors.bpf.c): counts through a map, exact even when the ring
 * buffer overflows, and one event per failure through the ring buffer, decoded on the reader's
 * thread and handed to a consumer that must not block. Counts may be read from any thread.
 */
public final class BlockErrorProbe implements AutoCloseable {
    static final String OBJECT = "block_errors";
    /** struct rq_error_event */
    static final int EVENT_SIZE = 40;

    /** One failed request as the kernel reported it; device numbers in the kernel encoding. */
    public record ErrorEvent(long monotonicNs, long sector, int diskDev, int partDev, int direction,
            int status, long bytes) {}

    /** A count per (disk, partition, direction, status). */
    record ErrorCount(int diskDev, int partDev, int direction, int status, long count) {}

    private final LoadedObject object;
    private final RingBufferReader reader;
    /** The classic programs report the errno the kernel made of the status, not the status. */
    private final boolean statusIsErrno;

    private BlockErrorProbe(BlockObjectLoader.Loaded loaded, Consumer<ErrorEvent> consumer) {
        this.object = loaded.object();
        this.statusIsErrno = loaded.classic();
        this.reader = RingBufferReader.start(object.map("rq_error_events"), "ioguard-block-errors",
                record -> consumer.accept(decode(record)));
    }

    /** Loads and attaches on the tracepoints {@code loader} chooses. */
    public static BlockErrorProbe start(BlockObjectLoader loader, Consumer<ErrorEvent> consumer) {
        HookRegistry hooks = loader.hooks();
        return new BlockErrorProbe(loader.load(OBJECT, spec -> {
            boolean rqError = Features.btfTracepoint("block_rq_error").status()
                    == Features.Status.SUPPORTED;
            spec.setAutoload("block_rq_error", rqError);
            spec.setAutoload("block_rq_complete_error", !rqError);
            hooks.record(new Hook(rqError ? "tp_btf/block_rq_complete" : "tp_btf/block_rq_error",
                    "disk request errors", Hook.State.NOT_USED, rqError
                            ? "block_rq_error is used instead"
                            : "kernel has no block_rq_error tracepoint; completion status is used"));
        }, (spec, layout) -> {
            boolean rqError = layout.has("block_rq_error");
            spec.setAutoload("block_rq_error", rqError);
            spec.setAutoload("block_rq_complete_error", !rqError);
            hooks.record(new Hook(spec.sectionName(rqError ? "block_rq_complete_error" : "block_rq_error"),
                    "disk request errors", Hook.State.NOT_USED, rqError
                            ? "block_rq_error is used instead"
                            : "kernel has no block_rq_error tracepoint; completion error is used"));
        }, Map.of("block_rq_error", "disk request errors",
                "block_rq_complete_error", "disk request errors")), consumer);
    }

    /**
     * Whether the status of counts and events is the errno the kernel made of the block status
     * (classic tracepoints) rather than the status number (tp_btf).
     */
    public boolean statusIsErrno() {
        return statusIsErrno;
    }

    static ErrorEvent decode(ByteBuffer record) {
        if (record.remaining() < EVENT_SIZE) {
            throw new IllegalArgumentException("rq_error_event of " + record.remaining() + " bytes");
        }
        ByteBuffer b = record.duplicate().order(ByteOrder.nativeOrder());
        int p = b.position();
        return new ErrorEvent(b.getLong(p), b.getLong(p + 8), b.getInt(p + 16), b.getInt(p + 20),
                b.getInt(p + 24), b.getInt(p + 28), Integer.toUnsignedLong(b.getInt(p + 32)));
    }

    List<ErrorCount> counts() {
        List<ErrorCount> counts = new ArrayList<>();
        for (BpfMap.Entry e : object.map("rq_errors").entries()) {
            ByteBuffer k = ByteBuffer.wrap(e.key()).order(ByteOrder.nativeOrder());
            long n = ByteBuffer.wrap(e.value()).order(ByteOrder.nativeOrder()).getLong(0);
            counts.add(new ErrorCount(k.getInt(0), k.getInt(4), k.getInt(8), k.getInt(12), n));
        }
        return counts;
    }

    /** Events lost because the kernel ring buffer was full. */
    public long droppedInKernel() {
        return object.perCpuCounter("rq_error_dropped", 0);
    }

    public long eventsRead() {
        return reader.recordsRead();
    }

    @Override
    public void close() {
        reader.close();
        object.close();
    }
}
