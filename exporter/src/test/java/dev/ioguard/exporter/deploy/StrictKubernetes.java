package dev.ioguard.exporter.deploy;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.openshift.api.model.monitoring.v1.PrometheusRule;
import io.fabric8.openshift.api.model.monitoring.v1.ServiceMonitor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Kubernetes objects checked against the API schema as the fabric8 model encodes it (Kubernetes
 * core and apps, and the Prometheus Operator's monitoring.coreos.com/v1), strictly: an unknown field
 * anywhere fails, a scalar of the wrong type fails, a kind this project does not ship fails.
 *
 * <p>fabric8's classes keep unknown fields in an {@code additionalProperties} map instead of failing
 * (a {@code @JsonAnySetter}), so {@code FAIL_ON_UNKNOWN_PROPERTIES} alone lets typos through: after
 * binding, every {@code additionalProperties} in the object graph must be empty.
 *
 * <p>Stateless apart from an immutable mapper; safe from any thread.
 */
final class StrictKubernetes {
    /** apiVersion/kind to model class: the kinds that deploy/ ships. */
    static final Map<String, Class<? extends HasMetadata>> KINDS = Map.of(
            "v1/Namespace", Namespace.class,
            "v1/ServiceAccount", ServiceAccount.class,
            "v1/Service", Service.class,
            "apps/v1/DaemonSet", DaemonSet.class,
            "monitoring.coreos.com/v1/ServiceMonitor", ServiceMonitor.class,
            "monitoring.coreos.com/v1/PrometheusRule", PrometheusRule.class);

    private static final ObjectMapper STRICT = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .build();

    private StrictKubernetes() {
    }

    /** Thrown when an object does not match the schema; the message names the object and the field. */
    static final class SchemaException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        SchemaException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** The object bound to its model class; throws {@link SchemaException} on any mismatch. */
    static HasMetadata parse(JsonNode object) {
        String id = describe(object);
        String key = object.path("apiVersion").asText() + "/" + object.path("kind").asText();
        Class<? extends HasMetadata> type = KINDS.get(key);
        if (type == null) {
            throw new SchemaException(id + ": kind " + key + " is not one deploy/ ships; known: "
                    + KINDS.keySet(), null);
        }
        HasMetadata bound;
        try {
            bound = STRICT.treeToValue(object, type);
        } catch (Exception e) {
            throw new SchemaException(id + ": does not match the " + key + " schema: " + e.getMessage(), e);
        }
        List<String> unknown = new ArrayList<>();
        collectUnknown(bound, type.getSimpleName(), unknown);
        if (!unknown.isEmpty()) {
            throw new SchemaException(id + ": fields unknown to the " + key + " schema: " + unknown, null);
        }
        return bound;
    }

    static <T extends HasMetadata> T parse(JsonNode object, Class<T> type) {
        return type.cast(parse(object));
    }

    static String describe(JsonNode object) {
        return object.path("kind").asText("?") + " " + object.path("metadata").path("namespace").asText("")
                + "/" + object.path("metadata").path("name").asText("?");
    }

    /** Walks the fabric8 object graph by its getters and records every non-empty additionalProperties. */
    static void collectUnknown(Object value, String path, List<String> out) {
        if (value == null) {
            return;
        }
        if (value instanceof Collection<?> list) {
            int i = 0;
            for (Object item : list) {
                collectUnknown(item, path + "[" + i++ + "]", out);
            }
            return;
        }
        if (value instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> e : map.entrySet()) {
                collectUnknown(e.getValue(), path + "[" + e.getKey() + "]", out);
            }
            return;
        }
        if (!value.getClass().getName().startsWith("io.fabric8.")) {
            return;
        }
        for (Method m : value.getClass().getMethods()) {
            if (m.getParameterCount() != 0 || Modifier.isStatic(m.getModifiers())
                    || !m.getName().startsWith("get") || m.getName().equals("getClass")) {
                continue;
            }
            Object child;
            try {
                child = m.invoke(value);
            } catch (IllegalAccessException | InvocationTargetException e) {
                continue;
            }
            if (m.getName().equals("getAdditionalProperties")) {
                if (child instanceof Map<?, ?> extra && !extra.isEmpty()) {
                    for (Object k : extra.keySet()) {
                        out.add(path + "." + k);
                    }
                }
                continue;
            }
            String name = m.getName().substring(3);
            collectUnknown(child, path + "." + Character.toLowerCase(name.charAt(0)) + name.substring(1), out);
        }
    }
}
