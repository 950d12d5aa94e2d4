package dev.berth.kube.manifest;

import dev.berth.kube.KubeException;
import dev.berth.model.ModelLabels;
import dev.berth.oci.OciException;
import dev.berth.oci.reference.Reference;
import dev.berth.oci.store.Image;
import dev.berth.oci.store.ImageStore;
import java.util.Map;
import java.util.Optional;

/** Finds a packaged model image in Berth's store and reads what Kubernetes needs from its labels. */
public final class ModelImages {
    private ModelImages() {
    }

    /**
     * Reads {@code NAME:VERSION} (or any reference or ID Berth resolves) from the store.
     *
     * @param registryName the reference the cluster pulls instead of the image's own name, or null; without a tag it
     *                     gets the image's tag (or the model version)
     * @param pinDigest whether the cluster pulls by digest ({@code name:tag@sha256:…}), which fixes exactly what runs
     */
    public static ModelImage read(ImageStore store, String image, String registryName, boolean pinDigest) {
        Optional<Image> found;
        try {
            found = store.find(image);
        } catch (OciException e) {
            throw new KubeException("'" + image + "' is not an image reference: " + e.getMessage());
        }
        Image stored = found.orElseThrow(() -> new KubeException("no image " + image + " in Berth's store at "
                + store.paths().root() + " (package a model with `berth model package MODEL.onnx -t " + image + "`, or pull it)"));
        Map<String, String> labels = stored.config().containerConfig().labels();
        labels = labels == null ? Map.of() : labels;
        String modelName = labels.get(ModelLabels.NAME);
        if (modelName == null || modelName.isBlank()) {
            throw new KubeException(image + " is not a packaged model: its image has no " + ModelLabels.NAME
                    + " label (package models with `berth model package`)");
        }
        String version = labels.get(ModelLabels.VERSION);
        if (version == null || version.isBlank()) {
            throw new KubeException(image + " is not a complete packaged model: its image has no " + ModelLabels.VERSION + " label");
        }
        KubeNames.labelValue(modelName, "model name");
        KubeNames.labelValue(version, "model version");
        int port = port(labels.get(ModelLabels.PORT), image);
        Long memory = labels.containsKey(ModelLabels.MEMORY)
                ? Quantities.parseMemory(labels.get(ModelLabels.MEMORY), image + "'s label " + ModelLabels.MEMORY) : null;
        Long cpus = labels.containsKey(ModelLabels.CPUS)
                ? Quantities.parseCpus(labels.get(ModelLabels.CPUS), image + "'s label " + ModelLabels.CPUS) : null;
        String digest = stored.root().digest().toString();
        return new ModelImage(modelName, version, labels.get(ModelLabels.SHA256), port, new Resources(memory, cpus),
                pullReference(stored, image, registryName, version, pinDigest, digest), digest);
    }

    private static int port(String label, String image) {
        if (label == null) {
            return ModelLabels.DEFAULT_PORT;
        }
        try {
            return Integer.parseInt(label.strip());
        } catch (NumberFormatException e) {
            throw new KubeException(image + "'s label " + ModelLabels.PORT + " is '" + label + "', not a port number");
        }
    }

    private static String pullReference(Image stored, String input, String registryName, String version, boolean pinDigest,
                                        String digest) {
        Reference reference;
        if (registryName != null) {
            try {
                reference = Reference.parse(registryName);
            } catch (OciException e) {
                throw new KubeException("--image-registry-name '" + registryName + "' is not an image reference: " + e.getMessage());
            }
            String lastPart = registryName.substring(registryName.lastIndexOf('/') + 1);
            if (!lastPart.contains(":") && !registryName.contains("@")) {
                // Reference.parse added "latest": the model's own tag is meant
                reference = reference.withTag(tagOf(stored, input).orElse(version));
            }
        } else {
            reference = ownReference(stored, input);
        }
        if (pinDigest) {
            reference = reference.withDigest(dev.berth.oci.digest.Digest.parse(digest));
        }
        return reference.toString();
    }

    /** The name the user gave when it names the image; else the image's first name. */
    private static Reference ownReference(Image stored, String input) {
        try {
            Reference given = Reference.parse(input);
            if (stored.names().contains(given.toString()) || given.hasDigest()) {
                return given;
            }
        } catch (OciException e) {
            // an image ID: fall through to the image's names
        }
        return stored.names().stream().findFirst().map(Reference::parse)
                .orElseThrow(() -> new KubeException(input + " has no name a registry could serve it under:"
                        + " tag it, push it, and give the pushed name with --image-registry-name"));
    }

    private static Optional<String> tagOf(Image stored, String input) {
        try {
            Reference given = Reference.parse(input);
            if (given.hasTag()) {
                return Optional.of(given.tag());
            }
        } catch (OciException e) {
            // an image ID: use the tags of its names
        }
        return stored.names().stream().map(Reference::parse).filter(Reference::hasTag).map(Reference::tag).findFirst();
    }
}
