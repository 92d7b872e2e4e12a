package dev.ioguard.exporter.bpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tracefs format files, as the kernel writes them, into field offsets and sizes. */
class TracepointFormatTest {
    /** block_rq_issue of Linux 6.18 (this machine): ioprio, and a 10-byte rwbs. */
    static final String RQ_ISSUE_6_18 = """
            name: block_rq_issue
            ID: 2104
            format:
            	field:unsigned short common_type;	offset:0;	size:2;	signed:0;
            	field:unsigned char common_flags;	offset:2;	size:1;	signed:0;
            	field:unsigned char common_preempt_count;	offset:3;	size:1;	signed:0;
            	field:int common_pid;	offset:4;	size:4;	signed:1;

            	field:dev_t dev;	offset:8;	size:4;	signed:0;
            	field:sector_t sector;	offset:16;	size:8;	signed:0;
            	field:unsigned int nr_sector;	offset:24;	size:4;	signed:0;
            	field:unsigned int bytes;	offset:28;	size:4;	signed:0;
            	field:unsigned short ioprio;	offset:32;	size:2;	signed:0;
            	field:char rwbs[10];	offset:34;	size:10;	signed:0;
            	field:char comm[16];	offset:44;	size:16;	signed:0;
            	field:__data_loc char[] cmd;	offset:60;	size:4;	signed:0;

            print fmt: "%d,%d %s %u (%s) %llu + %u %s,%u,%u [%s]", REC->comm
            """;

    /** The older shape (no ioprio, an 8-byte rwbs), where the same fields sit elsewhere. */
    static final String RQ_ISSUE_OLDER = """
            name: block_rq_issue
            ID: 1203
            format:
            	field:unsigned short common_type;	offset:0;	size:2;	signed:0;
            	field:unsigned char common_flags;	offset:2;	size:1;	signed:0;
            	field:unsigned char common_preempt_count;	offset:3;	size:1;	signed:0;
            	field:int common_pid;	offset:4;	size:4;	signed:1;

            	field:dev_t dev;	offset:8;	size:4;	signed:0;
            	field:sector_t sector;	offset:16;	size:8;	signed:0;
            	field:unsigned int nr_sector;	offset:24;	size:4;	signed:0;
            	field:unsigned int bytes;	offset:28;	size:4;	signed:0;
            	field:char rwbs[8];	offset:32;	size:8;	signed:1;
            	field:char comm[16];	offset:40;	size:16;	signed:1;
            	field:__data_loc char[] cmd;	offset:56;	size:4;	signed:1;

            print fmt: "%d,%d %s %u (%s) %llu + %u [%s]", REC->comm
            """;

    @Test
    void fieldsAreReadWithTheirOffsetsAndSizes() {
        TracepointFormat f = TracepointFormat.parse("block:block_rq_issue", RQ_ISSUE_6_18);
        assertEquals(new TracepointFormat.Field("dev", 8, 4), f.field("dev").orElseThrow());
        assertEquals(new TracepointFormat.Field("sector", 16, 8), f.field("sector").orElseThrow());
        assertEquals(new TracepointFormat.Field("rwbs", 34, 10), f.field("rwbs").orElseThrow());
        assertEquals(new TracepointFormat.Field("cmd", 60, 4), f.field("cmd").orElseThrow());
        assertEquals(2, f.field("common_type").orElseThrow().size());

        TracepointFormat older = TracepointFormat.parse("block:block_rq_issue", RQ_ISSUE_OLDER);
        assertEquals(32, older.field("rwbs").orElseThrow().offset());
        assertEquals(8, older.field("rwbs").orElseThrow().size());
        assertEquals(false, older.field("ioprio").isPresent());
    }

    @Test
    void anUnsignedFieldWithoutIntIsNamedRight() {
        TracepointFormat f = TracepointFormat.parse("block:block_bio_complete",
                "\tfield:unsigned nr_sector;\toffset:24;\tsize:4;\tsigned:0;\n");
        assertEquals(new TracepointFormat.Field("nr_sector", 24, 4), f.field("nr_sector").orElseThrow());
    }

    @Test
    void aFileWithoutFieldsIsRefused() {
        assertThrows(IllegalArgumentException.class,
                () -> TracepointFormat.parse("x:y", "name: y\nID: 1\nformat:\n"));
    }

    @Test
    void aTracepointTheKernelLacksIsEmpty(@TempDir Path tracefs) throws Exception {
        Path dir = Files.createDirectories(tracefs.resolve("events/block/block_rq_issue"));
        Files.writeString(dir.resolve("format"), RQ_ISSUE_6_18);
        assertEquals(34, TracepointFormat.read(tracefs, "block", "block_rq_issue").orElseThrow()
                .field("rwbs").orElseThrow().offset());
        assertEquals(false, TracepointFormat.read(tracefs, "block", "block_io_done").isPresent());
    }
}
