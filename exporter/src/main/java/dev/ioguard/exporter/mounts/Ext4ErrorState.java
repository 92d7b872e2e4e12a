package dev.ioguard.exporter.mounts;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The error record an ext4 superblock keeps, as {@code /sys/fs/ext4/<device>/} shows it: how many errors
 * the filesystem has seen, and where the first and the latest happened. It survives remounts (it lives
 * in the on-disk superblock), so a count above zero may predate this boot.
 *
 * <p>Immutable and safe to share between threads.
 *
 * <p>File formats (Linux 6.18, measured): each file holds one decimal value or name and a newline.
 * {@code errors_count} is {@code 0} until an error; {@code *_error_time} is seconds since the epoch,
 * {@code 0} when there is none; {@code *_error_func} is an empty line when there is none, else the kernel
 * function ({@code trigger_test_error} for {@code trigger_fs_error}); {@code *_error_line} is {@code 0}
 * when there is none; {@code *_error_errcode} (first_ and last_) is ext4's own error code ({@code EXT4_ERR_*}, see
 * {@link #errorCodeName}), {@code 0} when there is none ({@code 5}, EFSCORRUPTED, for {@code trigger_fs_error}).
 *
 * @param device the kernel name of the filesystem's device, as named under {@code /sys/fs/ext4}
 */
public record Ext4ErrorState(
        String device,
        long errorsCount,
        Optional<Instant> firstErrorTime,
        Optional<String> firstErrorFunction,
        OptionalInt firstErrorLine,
        Optional<Instant> lastErrorTime,
        Optional<String> lastErrorFunction,
        OptionalInt lastErrorLine,
        OptionalInt lastErrorCode,
        OptionalInt firstErrorCode) {

    /** The usual root of ext4's per-filesystem sysfs directories. */
    public static final Path SYSFS_EXT4 = Path.of("/sys/fs/ext4");

    public Ext4ErrorState {
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(firstErrorTime, "firstErrorTime");
        Objects.requireNonNull(firstErrorFunction, "firstErrorFunction");
        Objects.requireNonNull(firstErrorLine, "firstErrorLine");
        Objects.requireNonNull(lastErrorTime, "lastErrorTime");
        Objects.requireNonNull(lastErrorFunction, "lastErrorFunction");
        Objects.requireNonNull(lastErrorLine, "lastErrorLine");
        Objects.requireNonNull(lastErrorCode, "lastErrorCode");
        Objects.requireNonNull(firstErrorCode, "firstErrorCode");
        if (device.isBlank()) {
            throw new IllegalArgumentException("ext4 device name is blank");
        }
        if (errorsCount < 0) {
            throw new IllegalArgumentException("ext4 " + device + " errors_count is negative: " + errorsCount);
        }
    }

    /**
     * The errno name of an ext4 error code ({@code EXT4_ERR_*} in fs/ext4/ext4.h, the on-disk encoding of
     * {@code s_last_error_errcode}): {@code EIO}, {@code EFSCORRUPTED}, ...; {@code EXT4_ERR_<n>} for a code
     * this table does not know.
     */
    public static String errorCodeName(int code) {
        return switch (code) {
            case 1 -> "EUNKNOWN";
            case 2 -> "EIO";
            case 3 -> "ENOMEM";
            case 4 -> "EFSBADCRC";
            case 5 -> "EFSCORRUPTED";
            case 6 -> "ENOSPC";
            case 7 -> "ENOKEY";
            case 8 -> "EROFS";
            case 9 -> "EFBIG";
            case 10 -> "EEXIST";
            case 11 -> "ERANGE";
            case 12 -> "EOVERFLOW";
            case 13 -> "EBUSY";
            case 14 -> "ENOTDIR";
            case 15 -> "ENOTEMPTY";
            case 16 -> "ESHUTDOWN";
            case 17 -> "EFAULT";
            default -> "EXT4_ERR_" + code;
        };
    }

    /** True once the filesystem has recorded an error. */
    public boolean hasErrors() {
        return errorsCount > 0;
    }

    /**
     * Whether the latest recorded error happened at or after {@code time} (both in whole seconds, as
     * ext4 records them): with the superblock's mount time, whether the current mount had an error.
     */
    public boolean errorSince(Instant time) {
        return lastErrorTime.filter(t -> !t.isBefore(time)).isPresent();
    }

    /** Whether the first recorded error (kept until e2fsck) happened at or after {@code time}. */
    public boolean firstErrorSince(Instant time) {
        return firstErrorTime.filter(t -> !t.isBefore(time)).isPresent();
    }

    /**
     * Reads the error record of a mounted ext4 filesystem now.
     *
     * @param sysfsExt4Root normally {@link #SYSFS_EXT4}
     * @param device the kernel device name ({@code loop3}, {@code nvme0n1p1}, {@code dm-0})
     * @return empty when no ext4 filesystem of that device is mounted (no {@code errors_count} there);
     *     a field that is missing or does not parse is reported as absent
     * @throws UncheckedIOException when the directory exists but cannot be read
     */
    public static Optional<Ext4ErrorState> read(Path sysfsExt4Root, String device) {
        Objects.requireNonNull(sysfsExt4Root, "sysfsExt4Root");
        Objects.requireNonNull(device, "device");
        if (device.isBlank() || device.contains("/") || device.equals(".") || device.equals("..")) {
            throw new IllegalArgumentException("not a kernel device name: '" + device + "'");
        }
        Path dir = sysfsExt4Root.resolve(device);
        Optional<Long> count = readText(dir.resolve("errors_count"))
                .flatMap(Ext4ErrorState::parseLong)
                .filter(value -> value >= 0);
        if (count.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Ext4ErrorState(
                device,
                count.get(),
                time(dir, "first_error_time"),
                function(dir, "first_error_func"),
                line(dir, "first_error_line"),
                time(dir, "last_error_time"),
                function(dir, "last_error_func"),
                line(dir, "last_error_line"),
                line(dir, "last_error_errcode"),
                line(dir, "first_error_errcode")));
    }

    /** The devices with a mounted ext4 filesystem: the directories under the root except {@code features}. */
    public static List<String> devices(Path sysfsExt4Root) {
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(sysfsExt4Root)) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                if (!name.equals("features") && Files.isDirectory(entry)) {
                    names.add(name);
                }
            }
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + sysfsExt4Root, e);
        }
        names.sort(null);
        return List.copyOf(names);
    }

    private static Optional<Instant> time(Path dir, String file) {
        return readText(dir.resolve(file)).flatMap(Ext4ErrorState::parseLong)
                .filter(seconds -> seconds > 0)
                .map(Instant::ofEpochSecond);
    }

    private static Optional<String> function(Path dir, String file) {
        return readText(dir.resolve(file)).filter(name -> !name.isEmpty());
    }

    private static OptionalInt line(Path dir, String file) {
        return readText(dir.resolve(file)).flatMap(Ext4ErrorState::parseLong)
                .filter(line -> line > 0 && line <= Integer.MAX_VALUE)
                .map(line -> OptionalInt.of(line.intValue()))
                .orElse(OptionalInt.empty());
    }

    private static Optional<Long> parseLong(String text) {
        try {
            return Optional.of(Long.parseLong(text));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** The stripped content, or empty when the file does not exist (the filesystem was unmounted meanwhile). */
    private static Optional<String> readText(Path file) {
        try {
            return Optional.of(new String(Files.readAllBytes(file), StandardCharsets.UTF_8).strip());
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }
}
