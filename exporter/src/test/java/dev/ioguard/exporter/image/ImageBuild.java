package dev.ioguard.exporter.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ioguard.exporter.testsupport.Command;
import dev.ioguard.exporter.testsupport.ProjectFiles;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The image as {@code scripts/build-image.sh} builds it from the packaged jar, and the OCI layout
 * inside the archive, unpacked for inspection.
 *
 * <p>Immutable once built; safe to share between threads.
 *
 * @param archive  the OCI archive
 * @param layout   the archive unpacked (oci-layout, index.json, blobs/)
 * @param manifest the image manifest
 * @param config   the image configuration
 * @param seconds  how long the build took
 */
record ImageBuild(Path archive, Path layout, JsonNode manifest, JsonNode config, double seconds) {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long TIMEOUT_MINUTES = 10;

    /** Runs the project's build command on the jar, writing the archive under {@code dir}. */
    static ImageBuild of(Path jar, Path dir) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        Path archive = dir.resolve("ioguard-image-it.oci.tar");
        List<String> argv = List.of(ProjectFiles.root().resolve("scripts/build-image.sh").toString(),
                "--jar", jar.toString(), "--out", archive.toString());
        Path log = dir.resolve("build-image.log");
        ProcessBuilder builder = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        // The JDK running the tests is the one to jlink from.
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        long start = System.nanoTime();
        Process process = builder.start();
        if (!process.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new IllegalStateException("build-image.sh did not finish in " + TIMEOUT_MINUTES + " min: " + read(log));
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        if (process.exitValue() != 0) {
            throw new IllegalStateException("build-image.sh exited with " + process.exitValue() + ": " + read(log));
        }
        System.out.print(read(log));
        Path layout = dir.resolve("ioguard-image-it.layout");
        Command.run("rm", "-rf", layout.toString());
        Files.createDirectories(layout);
        Command.run("tar", "-C", layout.toString(), "-xf", archive.toString());
        JsonNode index = JSON.readTree(layout.resolve("index.json").toFile());
        if (index.path("manifests").size() != 1) {
            throw new IllegalStateException("expected one manifest in " + archive + ": " + index);
        }
        JsonNode manifest = JSON.readTree(blob(layout, index.path("manifests").get(0).path("digest").asText()).toFile());
        JsonNode config = JSON.readTree(blob(layout, manifest.path("config").path("digest").asText()).toFile());
        return new ImageBuild(archive, layout, manifest, config, seconds);
    }

    /** The ref name the archive gives its image ({@code ioguard:VERSION}). */
    String refName() throws IOException {
        return JSON.readTree(layout.resolve("index.json").toFile()).path("manifests").get(0).path("annotations")
                .path("org.opencontainers.image.ref.name").asText();
    }

    /** What a registry stores and a node pulls: the manifest, the configuration and the compressed layers. */
    long compressedBytes() throws IOException {
        long bytes = manifest.path("config").path("size").asLong();
        for (JsonNode layer : manifest.path("layers")) {
            bytes += layer.path("size").asLong();
        }
        JsonNode index = JSON.readTree(layout.resolve("index.json").toFile());
        return bytes + index.path("manifests").get(0).path("size").asLong();
    }

    /** Every path in every layer, as {@code tar -t} lists it, without a leading {@code ./}. */
    List<String> files() {
        List<String> files = new ArrayList<>();
        for (JsonNode layer : manifest.path("layers")) {
            Path blob = blob(layout, layer.path("digest").asText());
            for (String line : Command.run("tar", "-tzf", blob.toString()).split("\n")) {
                files.add(line.replaceFirst("^\\./", ""));
            }
        }
        return files;
    }

    /** One layer's file, extracted. */
    String fileText(String path) {
        for (JsonNode layer : manifest.path("layers")) {
            Path blob = blob(layout, layer.path("digest").asText());
            Command.Result r = Command.exec("tar", "-xzOf", blob.toString(), path);
            if (r.succeeded()) {
                return r.output();
            }
        }
        throw new IllegalArgumentException(path + " is in no layer");
    }

    private static Path blob(Path layout, String digest) {
        if (!digest.startsWith("sha256:")) {
            throw new IllegalArgumentException("not a sha256 digest: " + digest);
        }
        return layout.resolve("blobs/sha256").resolve(digest.substring("sha256:".length()));
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
