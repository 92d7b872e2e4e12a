package dev.ioguard.exporter.deploy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * The DaemonSet exactly as deploy/kubernetes renders it, for tests outside this package: the image
 * test runs the container with the privileges read from here.
 *
 * <p>Stateless; safe from any thread. Each call renders afresh and returns a copy the caller owns.
 */
public final class DeployedDaemonSet {
    private DeployedDaemonSet() {
    }

    /**
     * The base with these components applied, in order, as an overlay listing them would
     * ({@code "seccomp-localhost"} for {@code components/seccomp-localhost}); none for the base.
     */
    public static ObjectNode render(String... components) {
        Path k8s = DeployVariants.kubernetesDir();
        List<Path> dirs = Arrays.stream(components).map(c -> k8s.resolve("components").resolve(c)).toList();
        return new DeployVariants.Variant(String.join(" + ", components), k8s.resolve("base"), dirs,
                Kustomize.buildWith(k8s.resolve("base"), dirs)).only("DaemonSet");
    }
}
