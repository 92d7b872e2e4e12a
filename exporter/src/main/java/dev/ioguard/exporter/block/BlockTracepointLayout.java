package dev.ioguard.exporter.block;

import dev.ioguard.exporter.bpf.TracepointFormat;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The .rodata of the classic block programs ({@code struct block_tp_layout},
 * bpf/block_tracepoint_fields.h): for each block tracepoint they read, the offsets of its fields
 * as this kernel's format files give them. A field whose size is not the one the programs read
 * makes the layout unusable, said in one line. Immutable.
 */
public final class BlockTracepointLayout {
    /** The tracepoints in struct order. */
    static final List<String> TRACEPOINTS = List.of("block_rq_insert", "block_rq_issue",
            "block_rq_complete", "block_rq_error", "block_bio_queue", "block_bio_complete");
    /** struct tp_fields: dev, sector, nr_sector, bytes, error, rwbs; each a __u32 offset. */
    private static final int FIELDS = 6;
    static final int SIZE = TRACEPOINTS.size() * FIELDS * 4;

    /** The fields the programs read, with the size they read, in struct order. */
    private record Wanted(String name, int size, boolean required) {}

    private static final List<Wanted> WANTED = List.of(new Wanted("dev", 4, true),
            new Wanted("sector", 8, true), new Wanted("nr_sector", 4, true),
            new Wanted("bytes", 4, false), new Wanted("error", 4, false),
            new Wanted("rwbs", 4, true));

    private final Map<String, TracepointFormat> formats;

    private BlockTracepointLayout(Map<String, TracepointFormat> formats) {
        this.formats = Map.copyOf(formats);
    }

    /** Reads the format files under the tracefs mount {@code tracefs}. */
    static BlockTracepointLayout read(Path tracefs) throws IOException {
        Map<String, TracepointFormat> formats = new LinkedHashMap<>();
        for (String tp : TRACEPOINTS) {
            Optional<TracepointFormat> f = TracepointFormat.read(tracefs, "block", tp);
            if (f.isPresent()) {
                formats.put(tp, f.get());
            }
        }
        return of(formats);
    }

    /** Checks every present tracepoint's fields: present where required, of the size read. */
    static BlockTracepointLayout of(Map<String, TracepointFormat> formats) {
        for (TracepointFormat f : formats.values()) {
            for (Wanted w : WANTED) {
                Optional<TracepointFormat.Field> field = f.field(w.name());
                if (field.isEmpty()) {
                    if (w.required()) {
                        throw new IllegalArgumentException(f.tracepoint() + " has no field " + w.name());
                    }
                    continue;
                }
                int size = field.get().size();
                boolean fits = w.name().equals("rwbs") ? size >= w.size() : size == w.size();
                if (!fits || field.get().offset() == 0) {
                    throw new IllegalArgumentException(f.tracepoint() + " field " + w.name() + " of "
                            + size + " bytes at offset " + field.get().offset() + ", expected "
                            + w.size());
                }
            }
        }
        return new BlockTracepointLayout(formats);
    }

    boolean has(String tracepoint) {
        return formats.containsKey(tracepoint);
    }

    /** The bytes of struct block_tp_layout; zeros for a tracepoint this kernel lacks. */
    byte[] rodata() {
        ByteBuffer b = ByteBuffer.allocate(SIZE).order(ByteOrder.nativeOrder());
        for (String tp : TRACEPOINTS) {
            TracepointFormat f = formats.get(tp);
            for (Wanted w : WANTED) {
                b.putInt(f == null ? 0 : f.field(w.name()).map(TracepointFormat.Field::offset).orElse(0));
            }
        }
        return b.array();
    }
}
