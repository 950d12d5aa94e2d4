package dev.berth.kube;

import io.fabric8.kubernetes.client.utils.Serialization;
import java.beans.Introspector;
import java.beans.PropertyDescriptor;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads YAML into fabric8's Kubernetes API types and refuses any field the API type does not have. Jackson's
 * FAIL_ON_UNKNOWN_PROPERTIES cannot do this here: every fabric8 model class has an any-setter that collects unknown
 * fields into {@code additionalProperties} (and fields of the wrong type too), so the check walks the parsed object
 * and requires every such map, at every depth, to be empty.
 */
public final class StrictKube {
    private StrictKube() {
    }

    public static <T> T parse(String yaml, Class<T> type) {
        T value = Serialization.unmarshal(yaml, type);
        List<String> unknown = new ArrayList<>();
        walk(value, type.getSimpleName(), unknown, new IdentityHashMap<>());
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("fields the Kubernetes API does not have: " + unknown);
        }
        return value;
    }

    private static void walk(Object value, String path, List<String> unknown, IdentityHashMap<Object, Boolean> seen) {
        if (value == null || seen.put(value, Boolean.TRUE) != null) {
            return;
        }
        if (value instanceof Collection<?> c) {
            int i = 0;
            for (Object item : c) {
                walk(item, path + "[" + i++ + "]", unknown, seen);
            }
            return;
        }
        if (value instanceof Map<?, ?> m) {
            for (Map.Entry<?, ?> e : m.entrySet()) {
                walk(e.getValue(), path + "." + e.getKey(), unknown, seen);
            }
            return;
        }
        if (!value.getClass().getName().startsWith("io.fabric8.kubernetes.api.model")) {
            return;
        }
        try {
            for (PropertyDescriptor p : Introspector.getBeanInfo(value.getClass(), Object.class).getPropertyDescriptors()) {
                Method getter = p.getReadMethod();
                if (getter == null) {
                    continue;
                }
                Object child = getter.invoke(value);
                if (p.getName().equals("additionalProperties")) {
                    if (child instanceof Map<?, ?> extra && !extra.isEmpty()) {
                        extra.keySet().forEach(k -> unknown.add(path + "." + k));
                    }
                } else {
                    walk(child, path + "." + p.getName(), unknown, seen);
                }
            }
        } catch (ReflectiveOperationException | java.beans.IntrospectionException e) {
            throw new IllegalStateException("cannot inspect " + value.getClass(), e);
        }
    }
}
