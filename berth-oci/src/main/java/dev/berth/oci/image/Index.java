package dev.berth.oci.image;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;
import java.util.Map;

/** An image index (OCI) or manifest list (Docker): manifests for several platforms, or the names in an image layout. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
@JsonPropertyOrder({"schemaVersion", "mediaType", "artifactType", "manifests", "subject", "annotations"})
public record Index(
        int schemaVersion,
        String mediaType,
        String artifactType,
        List<Descriptor> manifests,
        Descriptor subject,
        Map<String, String> annotations) {

    public Index {
        manifests = manifests == null ? List.of() : List.copyOf(manifests);
    }

    public static Index oci(List<Descriptor> manifests) {
        return new Index(2, MediaTypes.OCI_INDEX, null, manifests, null, null);
    }
}
