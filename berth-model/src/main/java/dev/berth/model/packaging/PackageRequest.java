package dev.berth.model.packaging;

import dev.berth.model.ModelException;
import dev.berth.model.packaging.provenance.Provenance;
import dev.berth.model.repository.ModelConfig;
import dev.berth.oci.OciException;
import dev.berth.oci.reference.Reference;
import java.nio.file.Path;

/**
 * What {@code berth model package} was asked for.
 *
 * @param model the .onnx file
 * @param tag the image name with its version as tag ({@code iris:1}); the version is the tag
 * @param modelName the name the protocol serves it under; null: the repository's last path component
 * @param baseImage an image in the store to build on instead of Berth's own base, or null
 * @param batching dynamic batching defaults, or null for none
 */
public record PackageRequest(Path model, String tag, String modelName, String baseImage, ModelConfig.Batching batching,
        ResourceDefaults resources, Provenance provenance) {

    public PackageRequest {
        if (model == null) {
            throw new ModelException("no model file given");
        }
        resources = resources == null ? ResourceDefaults.NONE : resources;
        if (provenance == null) {
            throw new ModelException("no provenance given");
        }
    }

    /** The tag as a reference; it must name a version. */
    public Reference reference() {
        Reference reference;
        try {
            reference = Reference.parse(tag);
        } catch (OciException e) {
            throw new ModelException("-t " + tag + ": " + e.getMessage(), e);
        }
        if (reference.digest() != null || !tagWritten(tag)) {
            throw new ModelException("-t " + tag + " needs a version as its tag: NAME:VERSION, for example iris:1");
        }
        return reference;
    }

    /** The model's name in the protocol's paths. */
    public String effectiveModelName() {
        if (modelName != null) {
            return new ModelConfig(modelName, "", null).name();
        }
        String path = reference().path();
        String last = path.substring(path.lastIndexOf('/') + 1);
        return new ModelConfig(last, "", null).name();
    }

    /** A tag is written when the part after the last '/' holds a ':' (a registry's port is before a '/'). */
    private static boolean tagWritten(String text) {
        String last = text.substring(text.lastIndexOf('/') + 1);
        return last.contains(":");
    }
}
