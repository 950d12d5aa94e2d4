package dev.berth.model.packaging;

import dev.berth.model.ModelException;
import dev.berth.oci.OciException;
import dev.berth.oci.reference.Reference;
import dev.berth.oci.store.Image;
import dev.berth.oci.store.ImageStore;
import dev.berth.oci.store.NameIndex;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** {@code berth model history NAME}: the packaged versions of a model in the store, newest first. */
public final class ModelHistory {
    private ModelHistory() {
    }

    /**
     * The tags of repository {@code name} whose images are packaged models, newest build first (then by tag).
     * A name that has no packaged model is an error that says so.
     */
    public static List<ModelVersion> versions(ImageStore store, String name) {
        Reference repository;
        try {
            repository = Reference.parse(name);
        } catch (OciException e) {
            throw new ModelException("'" + name + "' is not a model name: " + e.getMessage(), e);
        }
        String last = name.substring(name.lastIndexOf('/') + 1);
        if (last.contains(":") || last.contains("@")) {
            throw new ModelException("model history takes a name without a version: '" + repository.name() + "', not '" + name + "'");
        }
        String wanted = repository.repository();
        List<ModelVersion> versions = new ArrayList<>();
        for (NameIndex.Entry entry : store.names().read()) {
            if (!entry.named()) {
                continue;
            }
            Reference tagged = Reference.parse(entry.name());
            if (!tagged.repository().equals(wanted)) {
                continue;
            }
            Image image = store.image(entry.target(), List.of(entry.name()));
            ModelVersion version = ModelVersion.of(tagged.familiar(), tagged.tag(), image);
            if (version != null) {
                versions.add(version);
            }
        }
        if (versions.isEmpty()) {
            throw new ModelException("no packaged versions of model '" + repository.name() + "' in the store "
                    + "(package one with: berth model package MODEL.onnx -t " + repository.name() + ":1)");
        }
        versions.sort(Comparator.comparing((ModelVersion v) -> instant(v.created())).reversed()
                .thenComparing(ModelVersion::tag, Comparator.reverseOrder()));
        return List.copyOf(versions);
    }

    private static Instant instant(String created) {
        try {
            return created == null ? Instant.EPOCH : Instant.parse(created);
        } catch (DateTimeParseException e) {
            return Instant.EPOCH;
        }
    }
}
