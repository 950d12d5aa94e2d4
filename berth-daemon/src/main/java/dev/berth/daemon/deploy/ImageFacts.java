package dev.berth.daemon.deploy;

import dev.berth.daemon.EngineException;
import dev.berth.daemon.EngineException.Kind;
import dev.berth.model.ModelLabels;
import dev.berth.oci.OciException;
import dev.berth.oci.reference.Reference;
import dev.berth.oci.store.Image;
import dev.berth.oci.store.ImageStore;
import java.util.Map;

/**
 * What a deployment reads from an image: its ID, and from its labels ({@link ModelLabels}) the model's name and
 * version, the server's port and the default limits. Images without the labels deploy too (port 8080, no limits,
 * version from the tag).
 */
record ImageFacts(String reference, String imageId, String modelName, String version, int port, long memory, long nanoCpus) {

    static ImageFacts of(ImageStore images, String reference) {
        Image image;
        try {
            image = images.find(reference).orElseThrow(() -> new EngineException(Kind.NOT_FOUND, "No such image: " + reference
                    + " (package it with `berth model package`, or pull it first)"));
        } catch (OciException e) {
            throw new EngineException(Kind.INVALID, e.getMessage(), e);
        }
        Map<String, String> labels = image.config().containerConfig().labels() == null ? Map.of()
                : image.config().containerConfig().labels();
        Reference parsed = parseOrNull(reference);
        String version = labels.getOrDefault(ModelLabels.VERSION, parsed != null && parsed.tag() != null ? parsed.tag()
                : image.id().encoded().substring(0, 12));
        String modelName = labels.get(ModelLabels.NAME);
        int port = intLabel(labels, ModelLabels.PORT, ModelLabels.DEFAULT_PORT, reference);
        if (port < 1 || port > 65535) {
            throw new EngineException(Kind.INVALID, "image " + reference + " has label " + ModelLabels.PORT + "=" + port
                    + ", which is not a TCP port");
        }
        long memory = longLabel(labels, ModelLabels.MEMORY, reference);
        long nanoCpus = 0;
        String cpus = labels.get(ModelLabels.CPUS);
        if (cpus != null && !cpus.isBlank()) {
            try {
                nanoCpus = Math.round(Double.parseDouble(cpus.strip()) * 1e9);
            } catch (NumberFormatException e) {
                throw new EngineException(Kind.INVALID, "image " + reference + " has label " + ModelLabels.CPUS + "=" + cpus
                        + ", which is not a number of CPUs");
            }
        }
        return new ImageFacts(reference, image.id().toString(), modelName, version, port, memory, nanoCpus);
    }

    /** The deployment name an image suggests: its model-name label, else its repository's last path element. */
    String defaultDeploymentName() {
        if (modelName != null && !modelName.isBlank()) {
            return modelName;
        }
        Reference parsed = parseOrNull(reference);
        String path = parsed != null ? parsed.path() : reference;
        return path.substring(path.lastIndexOf('/') + 1);
    }

    private static Reference parseOrNull(String reference) {
        try {
            return Reference.parse(reference);
        } catch (OciException e) {
            return null; // an image ID
        }
    }

    private static int intLabel(Map<String, String> labels, String key, int fallback, String reference) {
        String v = labels.get(key);
        if (v == null || v.isBlank()) {
            return fallback;
        }
        try {
            return Integer.parseInt(v.strip());
        } catch (NumberFormatException e) {
            throw new EngineException(Kind.INVALID, "image " + reference + " has label " + key + "=" + v + ", which is not a number");
        }
    }

    private static long longLabel(Map<String, String> labels, String key, String reference) {
        String v = labels.get(key);
        if (v == null || v.isBlank()) {
            return 0;
        }
        try {
            return Long.parseLong(v.strip());
        } catch (NumberFormatException e) {
            throw new EngineException(Kind.INVALID, "image " + reference + " has label " + key + "=" + v
                    + ", which is not a number of bytes");
        }
    }
}
