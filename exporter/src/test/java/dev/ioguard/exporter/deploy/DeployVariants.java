package dev.ioguard.exporter.deploy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Every way deploy/kubernetes can be applied: the base, each overlay, and the base with each
 * component, rendered by {@link Kustomize}.
 *
 * <p>Stateless; safe from any thread. Each call renders afresh.
 */
final class DeployVariants {
    /**
     * One rendering.
     *
     * @param name       e.g. {@code base}, {@code overlays/privileged}, {@code base + components/memlock}
     * @param base       the kustomization directory rendered
     * @param components components applied on top (empty for the base and overlays)
     * @param objects    the rendered objects
     */
    record Variant(String name, Path base, List<Path> components, List<ObjectNode> objects) {
        @Override
        public String toString() {
            return name;
        }

        /** The one object of {@code kind}; fails if there is none or several. */
        ObjectNode only(String kind) {
            List<ObjectNode> found = objects.stream().filter(o -> o.path("kind").asText().equals(kind)).toList();
            if (found.size() != 1) {
                throw new AssertionError(name + ": expected one " + kind + ", found " + found.size());
            }
            return found.get(0);
        }
    }

    private DeployVariants() {
    }

    static Path kubernetesDir() {
        return ProjectRoot.resolve("deploy/kubernetes");
    }

    static List<Variant> all() {
        Path k8s = kubernetesDir();
        List<Variant> out = new ArrayList<>();
        out.add(new Variant("base", k8s.resolve("base"), List.of(), Kustomize.build(k8s.resolve("base"))));
        for (Path overlay : subdirectories(k8s.resolve("overlays"))) {
            out.add(new Variant("overlays/" + overlay.getFileName(), overlay, List.of(), Kustomize.build(overlay)));
        }
        for (Path component : components()) {
            out.add(new Variant("base + components/" + component.getFileName(), k8s.resolve("base"),
                    List.of(component), Kustomize.buildWith(k8s.resolve("base"), List.of(component))));
        }
        return out;
    }

    static List<Path> components() {
        return subdirectories(kubernetesDir().resolve("components"));
    }

    static List<Path> subdirectories(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(Files::isDirectory).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
    }
}
