package dev.ioguard.exporter.mounts;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ioguard.exporter.mounts.Ext4Superblock.ErrorsBehavior;
import dev.ioguard.exporter.testsupport.KernelAssumptions;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The superblock fields read from an ext4 device, at the offsets of struct ext4_super_block. */
class Ext4SuperblockTest {
    @TempDir
    Path dir;

    @Test
    void mountTimeAndDefaultErrorsBehaviourAreRead() throws IOException {
        Path device = image(0x6a2f_1234L, 1, 0xEF53);

        assertEquals(Optional.of(new Ext4Superblock(Instant.ofEpochSecond(0x6a2f_1234L), ErrorsBehavior.CONTINUE)),
                Ext4Superblock.read(device));
    }

    @Test
    void timesPast2038UseTheHighByte() throws IOException {
        long seconds = (1L << 32) + 17;

        assertEquals(Instant.ofEpochSecond(seconds), Ext4Superblock.read(image(seconds, 2, 0xEF53)).orElseThrow().mountTime());
    }

    @Test
    void errorsBehaviourIsRemountRoUnlessContinueOrPanic() throws IOException {
        assertEquals(ErrorsBehavior.REMOUNT_RO, Ext4Superblock.read(image(1, 2, 0xEF53)).orElseThrow().defaultErrors());
        assertEquals(ErrorsBehavior.PANIC, Ext4Superblock.read(image(1, 3, 0xEF53)).orElseThrow().defaultErrors());
        // ext4_fill_super: a value it does not know means remount-ro.
        assertEquals(ErrorsBehavior.REMOUNT_RO, Ext4Superblock.read(image(1, 0, 0xEF53)).orElseThrow().defaultErrors());
    }

    @Test
    void notExt4OrTooShortOrAbsentIsEmpty() throws IOException {
        assertEquals(Optional.empty(), Ext4Superblock.read(image(1, 1, 0x1234)));
        Path shortFile = dir.resolve("short");
        Files.write(shortFile, new byte[1500]);
        assertEquals(Optional.empty(), Ext4Superblock.read(shortFile));
        assertEquals(Optional.empty(), Ext4Superblock.read(dir.resolve("absent")));
    }

    @Test
    void aRealMkfsImageHasItsMagicAndNoMountTime() throws Exception {
        KernelAssumptions.requireProgram("mkfs.ext4");
        Path image = dir.resolve("real.img");
        Files.write(image, new byte[4 << 20]);
        Process mkfs = new ProcessBuilder("mkfs.ext4", "-q", "-F", "-e", "remount-ro", image.toString())
                .redirectErrorStream(true).start();
        assertEquals(0, mkfs.waitFor(), new String(mkfs.getInputStream().readAllBytes()));

        Ext4Superblock sb = Ext4Superblock.read(image).orElseThrow();

        assertEquals(Instant.EPOCH, sb.mountTime(), "never mounted");
        assertEquals(ErrorsBehavior.REMOUNT_RO, sb.defaultErrors());
    }

    private Path image(long mtime, int errors, int magic) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(2048).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(1024 + 0x2C, (int) mtime);
        b.put(1024 + 0x275, (byte) (mtime >>> 32));
        b.putShort(1024 + 0x38, (short) magic);
        b.putShort(1024 + 0x3C, (short) errors);
        Path file = Files.createTempFile(dir, "sb", ".img");
        Files.write(file, b.array());
        return file;
    }
}
