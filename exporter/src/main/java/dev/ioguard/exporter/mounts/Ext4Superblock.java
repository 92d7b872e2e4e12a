package dev.ioguard.exporter.mounts;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * What ext4's superblock (the 1 KiB at byte 1024 of its device) says that sysfs does not: when the
 * filesystem was last mounted read-write, and its default errors= behaviour. Immutable.
 *
 * <p>Layout (fs/ext4/ext4.h, struct ext4_super_block, unchanged since ext4 had 64-bit times):
 * {@code s_mtime} le32 at 0x2C with {@code s_mtime_hi} u8 at 0x275 above it, {@code s_magic} le16
 * 0xEF53 at 0x38, {@code s_errors} le16 at 0x3C.
 *
 * @param mountTime {@code s_mtime}: set by ext4 on every read-write mount and read-only to read-write
 *     remount (ext4_setup_super), not by a remount that keeps it read-write
 * @param defaultErrors {@code s_errors}: the errors= behaviour a mount without that option gets
 */
public record Ext4Superblock(Instant mountTime, ErrorsBehavior defaultErrors) {
    static final int OFFSET = 1024;
    static final int SIZE = 1024;
    private static final int MAGIC = 0xEF53;

    /** ext4's errors= behaviours. */
    public enum ErrorsBehavior { CONTINUE, REMOUNT_RO, PANIC }

    public Ext4Superblock {
        Objects.requireNonNull(mountTime, "mountTime");
        Objects.requireNonNull(defaultErrors, "defaultErrors");
    }

    /**
     * Reads the superblock of a mounted ext4's device. Served from the page cache: ext4 holds the
     * superblock's buffer while mounted, so this does no disk IO, and it sees what ext4 last wrote
     * there, committed or not.
     *
     * @return empty when the device cannot be read or holds no ext4 superblock
     */
    public static Optional<Ext4Superblock> read(Path device) {
        ByteBuffer block = ByteBuffer.allocate(SIZE);
        try (FileChannel channel = FileChannel.open(device, StandardOpenOption.READ)) {
            while (block.hasRemaining() && channel.read(block, OFFSET + block.position()) > 0) {
                // until the whole superblock is read, or the device ends
            }
        } catch (IOException | SecurityException | UnsupportedOperationException e) {
            return Optional.empty();
        }
        return block.hasRemaining() ? Optional.empty() : parse(block.flip());
    }

    /** Parses the 1 KiB superblock; empty without ext4's magic number. */
    static Optional<Ext4Superblock> parse(ByteBuffer superblock) {
        ByteBuffer b = superblock.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        int at = b.position();
        if (b.remaining() < SIZE || Short.toUnsignedInt(b.getShort(at + 0x38)) != MAGIC) {
            return Optional.empty();
        }
        long seconds = Integer.toUnsignedLong(b.getInt(at + 0x2C)) | (Byte.toUnsignedLong(b.get(at + 0x275)) << 32);
        ErrorsBehavior errors = switch (Short.toUnsignedInt(b.getShort(at + 0x3C))) {
            case 1 -> ErrorsBehavior.CONTINUE;
            case 3 -> ErrorsBehavior.PANIC;
            default -> ErrorsBehavior.REMOUNT_RO; // as ext4_fill_super: anything else is remount-ro
        };
        return Optional.of(new Ext4Superblock(Instant.ofEpochSecond(seconds), errors));
    }
}
