package dev.berth.model.packaging;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.berth.model.ModelLabels;
import dev.berth.oci.store.Image;
import java.util.List;
import java.util.Map;

/**
 * One packaged version of a model as the store has it: the tag, the image, and the provenance its labels carry.
 *
 * @param reference the full name, for example {@code docker.io/library/iris:2}
 * @param created the build time from the labels (the image config's when the label is missing)
 * @param revision the git commit the model came from ("…-dirty" when it differed), or null
 * @param size the image's compressed size in the store
 */
@JsonPropertyOrder({"reference", "tag", "model", "imageId", "created", "modelSha256", "size", "builtBy", "berthVersion",
        "revision", "source", "inputs", "outputs"})
public record ModelVersion(String reference, String tag, String model, String imageId, String created, String modelSha256,
        long size, String builtBy, String berthVersion, String revision, String source, List<TensorSpec> inputs,
        List<TensorSpec> outputs) {

    /** The version an image stands for, or null when its labels do not say it is a packaged model. */
    static ModelVersion of(String reference, String tag, Image image) {
        Map<String, String> labels = image.config().containerConfig().labels();
        if (labels == null || !labels.containsKey(ModelLabels.NAME)) {
            return null;
        }
        String created = labels.getOrDefault(ModelLabels.CREATED, image.config().created());
        String source = labels.get(ModelLabels.SOURCE);
        String path = labels.get(ModelImageConfig.SOURCE_PATH_LABEL);
        return new ModelVersion(reference, tag, labels.get(ModelLabels.NAME), image.id().toString(), created,
                labels.get(ModelLabels.SHA256), image.size(), labels.get(ModelLabels.BUILT_BY), labels.get(ModelLabels.BERTH_VERSION),
                labels.get(ModelLabels.REVISION), source == null ? null : path == null ? source : source + " " + path,
                parse(labels.get(ModelLabels.INPUTS), "inputs label"), parse(labels.get(ModelLabels.OUTPUTS), "outputs label"));
    }

    private static List<TensorSpec> parse(String json, String what) {
        if (json == null) {
            return List.of();
        }
        try {
            return ModelSignature.fromJson(json, what);
        } catch (RuntimeException malformed) {
            return List.of(); // an image labelled by someone else: shown without its signature rather than not at all
        }
    }
}
