package dev.ioguard.exporter.block;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ioguard.exporter.bpf.TracepointFormat;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The .rodata the classic block programs get: struct block_tp_layout from the format files. */
class BlockTracepointLayoutTest {
    private static TracepointFormat format(String tp, String fields) {
        return TracepointFormat.parse("block:" + tp, fields);
    }

    private static final String ISSUE_6_18 = """
            	field:dev_t dev;	offset:8;	size:4;	signed:0;
            	field:sector_t sector;	offset:16;	size:8;	signed:0;
            	field:unsigned int nr_sector;	offset:24;	size:4;	signed:0;
            	field:unsigned int bytes;	offset:28;	size:4;	signed:0;
            	field:unsigned short ioprio;	offset:32;	size:2;	signed:0;
            	field:char rwbs[10];	offset:34;	size:10;	signed:0;
            """;
    private static final String BIO_COMPLETE_6_18 = """
            	field:dev_t dev;	offset:8;	size:4;	signed:0;
            	field:sector_t sector;	offset:16;	size:8;	signed:0;
            	field:unsigned nr_sector;	offset:24;	size:4;	signed:0;
            	field:int error;	offset:28;	size:4;	signed:1;
            	field:char rwbs[10];	offset:32;	size:10;	signed:0;
            """;

    @Test
    void offsetsLandInStructOrderAndAMissingTracepointIsZeros() {
        BlockTracepointLayout layout = BlockTracepointLayout.of(Map.of(
                "block_rq_issue", format("block_rq_issue", ISSUE_6_18),
                "block_bio_complete", format("block_bio_complete", BIO_COMPLETE_6_18)));
        byte[] rodata = layout.rodata();
        assertEquals(BlockTracepointLayout.SIZE, rodata.length);
        assertEquals(144, rodata.length, "6 tracepoints x 6 __u32 offsets, as block_tracepoint_fields.h");
        ByteBuffer b = ByteBuffer.wrap(rodata).order(ByteOrder.nativeOrder());
        // rq_insert (absent): all 0
        for (int i = 0; i < 6; i++) {
            assertEquals(0, b.getInt(i * 4));
        }
        // rq_issue: dev, sector, nr_sector, bytes, error (none), rwbs
        int issue = 24;
        assertEquals(8, b.getInt(issue));
        assertEquals(16, b.getInt(issue + 4));
        assertEquals(24, b.getInt(issue + 8));
        assertEquals(28, b.getInt(issue + 12));
        assertEquals(0, b.getInt(issue + 16));
        assertEquals(34, b.getInt(issue + 20));
        // bio_complete, the sixth
        int bioComplete = 5 * 24;
        assertEquals(28, b.getInt(bioComplete + 16));
        assertEquals(32, b.getInt(bioComplete + 20));
        assertTrue(layout.has("block_rq_issue"));
        assertFalse(layout.has("block_rq_insert"));
    }

    @Test
    void aFieldOfAnotherSizeThanTheProgramsReadIsRefused() {
        String narrowSector = ISSUE_6_18.replace("offset:16;\tsize:8", "offset:16;\tsize:4");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BlockTracepointLayout.of(Map.of("block_rq_issue",
                        format("block_rq_issue", narrowSector))));
        assertTrue(e.getMessage().contains("sector"), e.getMessage());
    }

    @Test
    void aTracepointWithoutRwbsIsRefused() {
        String noRwbs = ISSUE_6_18.lines().filter(l -> !l.contains("rwbs"))
                .reduce("", (a, l) -> a + l + "\n");
        assertThrows(IllegalArgumentException.class, () -> BlockTracepointLayout.of(
                Map.of("block_rq_issue", format("block_rq_issue", noRwbs))));
    }
}
