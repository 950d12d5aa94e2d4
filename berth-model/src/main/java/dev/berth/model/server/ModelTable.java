package dev.berth.model.server;

import dev.berth.model.ModelException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The served models by name and version. A path without a version gets the model's newest version: versions compare
 * as numbers where both are numbers ("10" after "9"), otherwise as text.
 */
final class ModelTable {
    private final Map<String, Map<String, ServedModel>> byName = new HashMap<>();
    private final Map<String, ServedModel> newest = new HashMap<>();
    private final List<ServedModel> all;

    ModelTable(List<ServedModel> models) {
        this.all = List.copyOf(models);
        for (ServedModel m : models) {
            Map<String, ServedModel> versions = byName.computeIfAbsent(m.name(), n -> new LinkedHashMap<>());
            if (versions.putIfAbsent(m.version(), m) != null) {
                throw new ModelException("model '" + m.name() + "'" + (m.version().isEmpty() ? "" : " version '" + m.version() + "'")
                        + " is given twice");
            }
        }
        for (Map.Entry<String, Map<String, ServedModel>> e : byName.entrySet()) {
            newest.put(e.getKey(), e.getValue().values().stream().max(Comparator.comparing(ServedModel::version, ModelTable::compareVersions)).orElseThrow());
        }
    }

    /** The model, or null when the server has no such model (or no such version of it). */
    ServedModel find(String name, String version) {
        if (version == null) {
            return newest.get(name);
        }
        Map<String, ServedModel> versions = byName.get(name);
        return versions == null ? null : versions.get(version);
    }

    boolean hasName(String name) {
        return byName.containsKey(name);
    }

    /** The versions of a model, oldest first. */
    List<String> versions(String name) {
        List<String> v = new ArrayList<>(byName.getOrDefault(name, Map.of()).keySet());
        v.removeIf(String::isEmpty);
        v.sort(ModelTable::compareVersions);
        return v;
    }

    List<ServedModel> all() {
        return all;
    }

    static int compareVersions(String a, String b) {
        if (!a.isEmpty() && !b.isEmpty() && a.chars().allMatch(Character::isDigit) && b.chars().allMatch(Character::isDigit)) {
            int byLength = Integer.compare(a.replaceFirst("^0+(?=.)", "").length(), b.replaceFirst("^0+(?=.)", "").length());
            return byLength != 0 ? byLength : a.replaceFirst("^0+(?=.)", "").compareTo(b.replaceFirst("^0+(?=.)", ""));
        }
        return a.compareTo(b);
    }
}
