package dev.berth.oci.image;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;
import java.util.Map;

/** An image manifest (OCI image manifest v1, or Docker's v2 schema 2, which has the same shape). */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
@JsonPropertyOrder({"schemaVersion", "mediaType", "artifactType", "config", "layers", "subject", "annotations"})
public record Manifest(
        int schemaVersion,
        String mediaType,
        String artifactType,
        Descriptor config,
        List<Descriptor> layers,
        Descriptor subject,
        Map<String, String> annotations) {

    public Manifest {
        layers = layers == null ? List.of() : List.copyOf(layers);
    }

    public static Manifest oci(Descriptor config, List<Descriptor> layers, Map<String, String> annotations) {
        return new Manifest(2, MediaTypes.OCI_MANIFEST, null, config, layers, null, annotations);
    }
}
