package dev.ioguard.exporter.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Attaches and detaches loop devices with losetup(8), acting only on the device that belongs to a given
 * backing file.
 *
 * <p>Stateless; safe to call from any thread.
 */
final class Losetup {

    private static final Pattern LOOP_PATH = Pattern.compile("/dev/(loop\\d+)");
    private static final long DETACH_WAIT_MILLIS = 2_000;

    private Losetup() {}

    /**
     * Attaches the image to a free loop device and returns its kernel name ({@code loopN}). On failure
     * nothing stays attached to the image.
     */
    static String attach(Path image, boolean directIo, boolean partscan) {
        List<String> argv = new ArrayList<>(List.of("losetup", "--find", "--show"));
        if (partscan) {
            argv.add("--partscan");
        }
        if (directIo) {
            argv.add("--direct-io=on");
        }
        argv.add(image.toString());
        Command.Result result = Command.exec(argv.toArray(String[]::new));
        // losetup prints the device on its last line; a warning may come before it.
        String[] lines = result.output().strip().split("\n");
        Matcher matcher = LOOP_PATH.matcher(lines[lines.length - 1].strip());
        if (result.succeeded() && matcher.matches()) {
            return matcher.group(1);
        }
        IllegalStateException failure = new IllegalStateException(
                String.join(" ", argv) + " failed (exit " + result.exitCode() + "): " + result.output().strip());
        // It may have attached and printed something unexpected: the backing file names the device then.
        for (String leftover : Leaks.loopDevicesBackedUnder(image)) {
            try {
                detach(leftover, image);
            } catch (RuntimeException e) {
                failure.addSuppressed(e);
            }
        }
        throw failure;
    }

    /**
     * Detaches the device if the image is still its backing file (else it is no longer ours, and is left
     * alone), then waits until the kernel has let it go.
     *
     * @throws IllegalStateException when the device stays attached, as it does while a lazily unmounted
     *     filesystem on it is still in use (the kernel then frees it when the last user goes)
     */
    static void detach(String name, Path image) {
        if (!image.toString().equals(Leaks.backingFile(name))) {
            return;
        }
        Command.run("losetup", "--detach", "/dev/" + name);
        long deadline = System.nanoTime() + DETACH_WAIT_MILLIS * 1_000_000;
        while (image.toString().equals(Leaks.backingFile(name))) {
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("/dev/" + name + " is still attached to " + image
                        + " " + DETACH_WAIT_MILLIS + " ms after losetup --detach; is a filesystem on it still in use?");
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for /dev/" + name + " to detach", e);
            }
        }
    }

    /** The stripped content of a sysfs attribute. */
    static String readSysfs(Path file) {
        try {
            return new String(Files.readAllBytes(file), StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }
}
