package dev.berth.daemon.engine;

import dev.berth.daemon.EngineException;
import java.util.List;
import java.util.Map;

/**
 * {@code ps --filter}: id, name (substring), label (key or key=value), status, exited (exit code), ancestor (image
 * as named or its ID), health. Several values for one key match any of them; different keys must all match.
 */
final class Filters {
    private Filters() {
    }

    private static final java.util.Set<String> KEYS = java.util.Set.of("id", "name", "label", "status", "exited", "ancestor", "health");

    /** Refuses an unknown filter before any container is looked at (with none, it would otherwise pass silently). */
    static void check(Map<String, List<String>> filters) {
        if (filters == null) {
            return;
        }
        for (String key : filters.keySet()) {
            if (!KEYS.contains(key)) {
                throw new EngineException(EngineException.Kind.INVALID, "invalid filter '" + key
                        + "': Berth filters by id, name, label, status, exited, ancestor and health");
            }
        }
    }

    static boolean matches(Container c, Map<String, List<String>> filters) {
        if (filters == null) {
            return true;
        }
        for (Map.Entry<String, List<String>> e : filters.entrySet()) {
            boolean any = false;
            for (String v : e.getValue()) {
                if (one(c, e.getKey(), v)) {
                    any = true;
                    break;
                }
            }
            if (!any && !e.getValue().isEmpty()) {
                return false;
            }
        }
        return true;
    }

    private static boolean one(Container c, String key, String value) {
        var state = c.status();
        return switch (key) {
            case "id" -> c.id().startsWith(value);
            case "name" -> c.record.name().contains(value.startsWith("/") ? value.substring(1) : value);
            case "label" -> {
                Map<String, String> labels = c.record.config().labels();
                int eq = value.indexOf('=');
                yield eq < 0 ? labels.containsKey(value) : value.substring(eq + 1).equals(labels.get(value.substring(0, eq)));
            }
            case "status" -> state.status().equals(value);
            case "exited" -> state.status().equals("exited") && Integer.toString(state.exitCode()).equals(value);
            case "ancestor" -> c.record.image().equals(value) || c.record.imageId().equals(value)
                    || c.record.imageId().startsWith("sha256:" + value);
            case "health" -> value.equals(state.health() == null ? "none" : state.health().status());
            default -> false; // unreachable: check() refused unknown keys
        };
    }
}
