package dev.ioguard.exporter.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A small kustomize: exactly the features deploy/kubernetes uses, so that tests can render every
 * overlay without the kustomize binary, and anything else fails loudly instead of being ignored.
 *
 * <p>Supported: a Kustomization's {@code resources} (files and directories) and {@code components};
 * a Component's {@code resources}; {@code patches} given by {@code path} or inline {@code patch},
 * either JSON 6902 operation lists ({@code test}, {@code add}, {@code replace}, {@code remove}) with a
 * {@code target} (group, version, kind, name as an anchored regex, namespace), or a strategic-merge
 * {@code $patch: delete} that removes one object. Order follows kustomize: resources, then
 * components, then the kustomization's own patches. {@link KustomizeTest} compares the output with
 * {@code kubectl kustomize} where kubectl exists.
 *
 * <p>Stateless; safe from any thread. Rendered objects are fresh copies owned by the caller.
 */
final class Kustomize {
    private static final Set<String> KUSTOMIZATION_KEYS = Set.of("apiVersion", "kind", "resources", "components", "patches");
    private static final Set<String> PATCH_KEYS = Set.of("path", "patch", "target");
    private static final Set<String> TARGET_KEYS = Set.of("group", "version", "kind", "name", "namespace");

    private Kustomize() {
    }

    /** Renders the Kustomization in {@code dir}. */
    static List<ObjectNode> build(Path dir) {
        return build(dir, "Kustomization");
    }

    private static List<ObjectNode> build(Path dir, String expectedKind) {
        JsonNode k = kustomization(dir);
        String kind = k.path("kind").asText("Kustomization");
        if (!kind.equals(expectedKind)) {
            throw new IllegalArgumentException(dir + ": expected a " + expectedKind + ", found " + kind);
        }
        List<ObjectNode> objects = new ArrayList<>();
        for (JsonNode r : k.path("resources")) {
            Path p = dir.resolve(r.asText()).normalize();
            if (Files.isDirectory(p)) {
                objects.addAll(build(p, "Kustomization"));
            } else {
                for (JsonNode doc : Yaml.documents(p)) {
                    objects.add(requireObject(doc, p));
                }
            }
        }
        if (expectedKind.equals("Kustomization")) {
            for (JsonNode c : k.path("components")) {
                applyComponent(dir.resolve(c.asText()).normalize(), objects);
            }
            applyPatches(dir, k, objects);
        } else if (k.has("components")) {
            throw new IllegalArgumentException(dir + ": nested components are not supported here");
        }
        return objects;
    }

    /** Renders {@code dir}, then applies {@code components} in order, as an overlay listing them would. */
    static List<ObjectNode> buildWith(Path dir, List<Path> components) {
        List<ObjectNode> objects = build(dir);
        for (Path c : components) {
            applyComponent(c, objects);
        }
        return objects;
    }

    private static void applyComponent(Path componentDir, List<ObjectNode> objects) {
        JsonNode component = kustomization(componentDir);
        if (!component.path("kind").asText().equals("Component")) {
            throw new IllegalArgumentException(componentDir + ": listed as a component but is not a Component");
        }
        objects.addAll(build(componentDir, "Component"));
        applyPatches(componentDir, component, objects);
    }

    static JsonNode kustomization(Path dir) {
        Path file = dir.resolve("kustomization.yaml");
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(dir + " has no kustomization.yaml");
        }
        JsonNode k = Yaml.document(file);
        for (Iterator<String> it = k.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!KUSTOMIZATION_KEYS.contains(key)) {
                throw new IllegalArgumentException(file + ": '" + key + "' is not supported by the test's kustomize"
                        + " (supported: " + KUSTOMIZATION_KEYS + "); extend Kustomize.java or avoid it");
            }
        }
        return k;
    }

    private static void applyPatches(Path dir, JsonNode k, List<ObjectNode> objects) {
        for (JsonNode entry : k.path("patches")) {
            for (Iterator<String> it = entry.fieldNames(); it.hasNext(); ) {
                String key = it.next();
                if (!PATCH_KEYS.contains(key)) {
                    throw new IllegalArgumentException(dir + ": patch key '" + key + "' is not supported");
                }
            }
            JsonNode patch = entry.has("path") ? Yaml.document(dir.resolve(entry.get("path").asText()))
                    : Yaml.parse(entry.path("patch").asText());
            String where = dir + ": patch " + (entry.has("path") ? entry.get("path").asText() : "(inline)");
            if (patch.isArray()) {
                JsonNode target = entry.get("target");
                if (target == null) {
                    throw new IllegalArgumentException(where + ": a JSON 6902 patch needs a target");
                }
                int matched = 0;
                for (ObjectNode object : objects) {
                    if (matches(target, object, where)) {
                        JsonPatch.apply(object, (ArrayNode) patch, where);
                        matched++;
                    }
                }
                if (matched == 0) {
                    throw new IllegalArgumentException(where + ": target " + target + " matches nothing");
                }
            } else if (patch.isObject() && "delete".equals(patch.path("$patch").asText())) {
                if (entry.has("target")) {
                    throw new IllegalArgumentException(where + ": a $patch: delete with a target is not supported");
                }
                int before = objects.size();
                objects.removeIf(o -> sameObject(o, patch));
                if (before - objects.size() != 1) {
                    throw new IllegalArgumentException(where + ": $patch: delete must remove exactly one object, removed "
                            + (before - objects.size()));
                }
            } else {
                throw new IllegalArgumentException(where + ": only JSON 6902 patches and $patch: delete are supported");
            }
        }
    }

    private static boolean matches(JsonNode target, ObjectNode object, String where) {
        for (Iterator<String> it = target.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!TARGET_KEYS.contains(key)) {
                throw new IllegalArgumentException(where + ": target key '" + key + "' is not supported");
            }
        }
        String apiVersion = object.path("apiVersion").asText();
        int slash = apiVersion.indexOf('/');
        String group = slash < 0 ? "" : apiVersion.substring(0, slash);
        String version = slash < 0 ? apiVersion : apiVersion.substring(slash + 1);
        return field(target, "group", group) && field(target, "version", version)
                && field(target, "kind", object.path("kind").asText())
                && field(target, "namespace", object.path("metadata").path("namespace").asText())
                && (!target.has("name") || Pattern.matches(target.get("name").asText(),
                        object.path("metadata").path("name").asText()));
    }

    private static boolean field(JsonNode target, String key, String actual) {
        return !target.has(key) || target.get(key).asText().equals(actual);
    }

    private static boolean sameObject(JsonNode a, JsonNode b) {
        return a.path("apiVersion").asText().equals(b.path("apiVersion").asText())
                && a.path("kind").asText().equals(b.path("kind").asText())
                && a.path("metadata").path("name").asText().equals(b.path("metadata").path("name").asText())
                && a.path("metadata").path("namespace").asText().equals(b.path("metadata").path("namespace").asText());
    }

    private static ObjectNode requireObject(JsonNode doc, Path file) {
        if (!(doc instanceof ObjectNode o) || !o.has("apiVersion") || !o.has("kind")) {
            throw new IllegalArgumentException(file + ": a resource must be a Kubernetes object with apiVersion and kind");
        }
        return o.deepCopy();
    }

    /** RFC 6902 operations on a Jackson tree, as kustomize applies them. */
    static final class JsonPatch {
        private JsonPatch() {
        }

        static void apply(ObjectNode document, ArrayNode operations, String where) {
            for (JsonNode op : operations) {
                String name = op.path("op").asText();
                String path = op.path("path").asText(null);
                if (path == null || !path.startsWith("/")) {
                    throw new IllegalArgumentException(where + ": operation without a JSON pointer path: " + op);
                }
                List<String> tokens = tokens(path);
                JsonNode parent = document;
                for (String t : tokens.subList(0, tokens.size() - 1)) {
                    parent = child(parent, t, where, path);
                }
                String last = tokens.get(tokens.size() - 1);
                switch (name) {
                    case "test" -> {
                        JsonNode actual = child(parent, last, where, path);
                        if (!actual.equals(op.get("value"))) {
                            throw new IllegalArgumentException(where + ": test failed at " + path + ": expected "
                                    + op.get("value") + ", found " + actual);
                        }
                    }
                    case "add" -> add(parent, last, requireValue(op, where), where, path);
                    case "replace" -> {
                        child(parent, last, where, path);
                        remove(parent, last);
                        add(parent, last, requireValue(op, where), where, path);
                    }
                    case "remove" -> {
                        child(parent, last, where, path);
                        remove(parent, last);
                    }
                    default -> throw new IllegalArgumentException(where + ": operation '" + name + "' is not supported");
                }
            }
        }

        private static JsonNode requireValue(JsonNode op, String where) {
            if (!op.has("value")) {
                throw new IllegalArgumentException(where + ": " + op.path("op").asText() + " without a value");
            }
            return op.get("value").deepCopy();
        }

        private static List<String> tokens(String pointer) {
            List<String> out = new ArrayList<>();
            for (String raw : pointer.substring(1).split("/", -1)) {
                out.add(raw.replace("~1", "/").replace("~0", "~"));
            }
            return out;
        }

        private static JsonNode child(JsonNode parent, String token, String where, String path) {
            JsonNode child;
            if (parent.isArray()) {
                child = parent.get(index(token, parent.size() - 1, where, path));
            } else {
                child = parent.get(token);
            }
            if (child == null) {
                throw new IllegalArgumentException(where + ": " + path + " does not exist");
            }
            return child;
        }

        private static void add(JsonNode parent, String token, JsonNode value, String where, String path) {
            if (parent instanceof ArrayNode array) {
                if (token.equals("-")) {
                    array.add(value);
                } else {
                    array.insert(index(token, array.size(), where, path), value);
                }
            } else if (parent instanceof ObjectNode object) {
                object.set(token, value);
            } else {
                throw new IllegalArgumentException(where + ": " + path + ": parent is not a container");
            }
        }

        private static void remove(JsonNode parent, String token) {
            if (parent instanceof ArrayNode array) {
                array.remove(Integer.parseInt(token));
            } else {
                ((ObjectNode) parent).remove(token);
            }
        }

        private static int index(String token, int max, String where, String path) {
            try {
                int i = Integer.parseInt(token);
                if (i < 0 || i > max) {
                    throw new IllegalArgumentException(where + ": " + path + ": index " + i + " out of range");
                }
                return i;
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(where + ": " + path + ": '" + token + "' is not an array index", e);
            }
        }
    }
}
