package dev.berth.cli.image;

import dev.berth.model.ModelLabels;
import dev.berth.model.packaging.ModelImageConfig;
import dev.berth.model.packaging.ModelSignature;
import java.util.LinkedHashMap;
import java.util.Map;

/** The "Model" part of {@code berth inspect} for a packaged model: its labels read back as what they mean. */
final class ModelSection {
    private ModelSection() {
    }

    /** The section, or null when the labels do not describe a packaged model. */
    static Map<String, Object> of(Map<String, String> labels) {
        if (labels == null || !labels.containsKey(ModelLabels.NAME)) {
            return null;
        }
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("Name", labels.get(ModelLabels.NAME));
        model.put("Version", labels.get(ModelLabels.VERSION));
        model.put("Sha256", labels.get(ModelLabels.SHA256));
        model.put("Inputs", tensors(labels.get(ModelLabels.INPUTS), "inputs"));
        model.put("Outputs", tensors(labels.get(ModelLabels.OUTPUTS), "outputs"));
        model.put("Port", labels.get(ModelLabels.PORT));
        putIfPresent(model, "Memory", labels.get(ModelLabels.MEMORY));
        putIfPresent(model, "Cpus", labels.get(ModelLabels.CPUS));
        if (labels.containsKey(ModelLabels.BATCH_MAX_SIZE)) {
            Map<String, String> batching = new LinkedHashMap<>();
            batching.put("MaxSize", labels.get(ModelLabels.BATCH_MAX_SIZE));
            batching.put("MaxDelay", labels.get(ModelLabels.BATCH_MAX_DELAY));
            model.put("Batching", batching);
        }
        Map<String, String> provenance = new LinkedHashMap<>();
        provenance.put("Created", labels.get(ModelLabels.CREATED));
        provenance.put("BuiltBy", labels.get(ModelLabels.BUILT_BY));
        provenance.put("BerthVersion", labels.get(ModelLabels.BERTH_VERSION));
        putIfPresent(provenance, "Revision", labels.get(ModelLabels.REVISION));
        putIfPresent(provenance, "Source", labels.get(ModelLabels.SOURCE));
        putIfPresent(provenance, "SourcePath", labels.get(ModelImageConfig.SOURCE_PATH_LABEL));
        putIfPresent(provenance, "Base", labels.get(ModelImageConfig.BASE_LABEL));
        putIfPresent(provenance, "Java", labels.get(ModelImageConfig.JAVA_LABEL));
        model.put("Provenance", provenance);
        return model;
    }

    private static Object tensors(String json, String what) {
        if (json == null) {
            return null;
        }
        try {
            return ModelSignature.fromJson(json, "the image's " + what + " label");
        } catch (RuntimeException malformed) {
            return json; // shown as written
        }
    }

    private static <V> void putIfPresent(Map<String, V> map, String key, V value) {
        if (value != null) {
            map.put(key, value);
        }
    }
}
