package dev.ioguard.exporter.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A zram device made for one test (hot_add) and removed on close (reset, hot_remove): a fast
 * bio-based block device. Not thread-safe: one test owns it.
 */
public final class Zram implements AutoCloseable {
    private static final Path CONTROL = Path.of("/sys/class/zram-control");

    private final int index;
    private boolean closed;

    private Zram(int index) {
        this.index = index;
    }

    public static boolean available() {
        return Files.isWritable(CONTROL.resolve("hot_add"));
    }

    /** A new zram device of this size. */
    public static Zram create(int sizeMiB) {
        try {
            int index = Integer.parseInt(Files.readString(CONTROL.resolve("hot_add")).strip());
            Zram zram = new Zram(index);
            try {
                Files.writeString(zram.sysfs().resolve("disksize"), sizeMiB + "M");
            } catch (IOException | RuntimeException e) {
                zram.close();
                throw e;
            }
            return zram;
        } catch (IOException e) {
            throw new UncheckedIOException("creating a zram device", e);
        }
    }

    public String name() {
        return "zram" + index;
    }

    public Path device() {
        return Path.of("/dev", name());
    }

    private Path sysfs() {
        return Path.of("/sys/block", name());
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            Files.writeString(sysfs().resolve("reset"), "1");
            Files.writeString(CONTROL.resolve("hot_remove"), Integer.toString(index));
        } catch (IOException e) {
            throw new UncheckedIOException("removing " + name(), e);
        }
    }
}
