package dev.ioguard.exporter.block;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ioguard.exporter.bpf.EmbeddedObjects;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The classic block objects must load on kernels without BTF: libbpf needs the kernel's BTF as soon
 * as an object has one CO-RE relocation, so they must have none (the count in .BTF.ext), and their
 * .rodata must be exactly struct block_tp_layout, which user space writes whole.
 */
class ClassicObjectsTest {
    private static final List<String> CLASSIC = List.of("block_requests_classic",
            "block_bios_classic", "block_errors_classic");

    @Test
    void classicObjectsHaveNoCoreRelocations() {
        for (String name : CLASSIC) {
            assertEquals(0, coreRelocationBytes(EmbeddedObjects.read(name)), name);
        }
        // The check can tell: the tp_btf objects relocate against kernel types.
        assertTrue(coreRelocationBytes(EmbeddedObjects.read("block_requests")) > 0);
    }

    @Test
    void classicRodataIsTheLayoutAlone() {
        for (String name : CLASSIC) {
            assertEquals(BlockTracepointLayout.SIZE, section(EmbeddedObjects.read(name), ".rodata")
                    .remaining(), name);
        }
    }

    /** core_relo_len of the .BTF.ext header (struct btf_ext_header, libbpf's btf.h). */
    private static int coreRelocationBytes(byte[] elf) {
        ByteBuffer ext = section(elf, ".BTF.ext");
        int headerLength = ext.getInt(ext.position() + 4);
        // magic u16, version u8, flags u8, hdr_len, func_info off/len, line_info off/len, core_relo off/len
        return headerLength < 32 ? 0 : ext.getInt(ext.position() + 28);
    }

    /** One section of a little-endian ELF64 file. */
    private static ByteBuffer section(byte[] elf, String wanted) {
        ByteBuffer b = ByteBuffer.wrap(elf).order(ByteOrder.LITTLE_ENDIAN);
        long shoff = b.getLong(0x28);
        int shentsize = Short.toUnsignedInt(b.getShort(0x3A));
        int shnum = Short.toUnsignedInt(b.getShort(0x3C));
        int shstrndx = Short.toUnsignedInt(b.getShort(0x3E));
        int strtab = (int) b.getLong((int) shoff + shstrndx * shentsize + 0x18);
        for (int i = 0; i < shnum; i++) {
            int header = (int) shoff + i * shentsize;
            int nameOffset = strtab + b.getInt(header);
            int end = nameOffset;
            while (elf[end] != 0) {
                end++;
            }
            if (new String(elf, nameOffset, end - nameOffset, StandardCharsets.US_ASCII).equals(wanted)) {
                int offset = (int) b.getLong(header + 0x18);
                int size = (int) b.getLong(header + 0x20);
                return b.slice(offset, size).order(ByteOrder.LITTLE_ENDIAN);
            }
        }
        throw new AssertionError("no section " + wanted);
    }
}
