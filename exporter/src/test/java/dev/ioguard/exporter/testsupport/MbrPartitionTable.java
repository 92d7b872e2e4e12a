package dev.ioguard.exporter.testsupport;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;

/**
 * Writes an MS-DOS partition table into a disk image, so partitioned loop devices need no sfdisk
 * (not installed here): equal Linux partitions, 1 MiB aligned, starting at 1 MiB.
 *
 * <p>Stateless; safe to call from any thread (on different files).
 */
final class MbrPartitionTable {

    static final int MAX_PARTITIONS = 4;
    private static final int SECTOR = 512;
    private static final long SECTORS_PER_MIB = 1024 * 1024 / SECTOR;
    private static final byte LINUX = (byte) 0x83;

    private MbrPartitionTable() {}

    static void write(Path image, int sizeMiB, int partitions) throws IOException {
        if (partitions < 1 || partitions > MAX_PARTITIONS) {
            throw new IllegalArgumentException("an MBR holds 1 to " + MAX_PARTITIONS + " primary partitions, not " + partitions);
        }
        long mibPerPartition = (sizeMiB - 1L) / partitions;
        if (mibPerPartition < 1) {
            throw new IllegalArgumentException(sizeMiB + " MiB is too small for " + partitions + " partitions");
        }
        ByteBuffer sector = ByteBuffer.allocate(SECTOR).order(ByteOrder.LITTLE_ENDIAN);
        sector.putInt(440, 0x10C6A4D0); // disk signature: any non-zero value
        for (int i = 0; i < partitions; i++) {
            int entry = 446 + 16 * i;
            long start = SECTORS_PER_MIB * (1 + i * mibPerPartition);
            // CHS fields say "use LBA" (0xFE 0xFF 0xFF), as modern tools write them.
            sector.put(entry + 1, (byte) 0xFE).put(entry + 2, (byte) 0xFF).put(entry + 3, (byte) 0xFF);
            sector.put(entry + 4, LINUX);
            sector.put(entry + 5, (byte) 0xFE).put(entry + 6, (byte) 0xFF).put(entry + 7, (byte) 0xFF);
            sector.putInt(entry + 8, (int) start);
            sector.putInt(entry + 12, (int) (SECTORS_PER_MIB * mibPerPartition));
        }
        sector.put(510, (byte) 0x55).put(511, (byte) 0xAA);
        try (RandomAccessFile file = new RandomAccessFile(image.toFile(), "rw")) {
            file.seek(0);
            file.write(sector.array());
        }
    }
}
