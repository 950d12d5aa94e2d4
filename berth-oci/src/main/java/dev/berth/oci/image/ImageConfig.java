package dev.berth.oci.image;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;

/**
 * An image configuration (OCI image config v1; Docker's is a superset whose extra fields Berth ignores when reading and
 * never needs to rewrite, since stored configs keep their original bytes).
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonPropertyOrder({"created", "author", "architecture", "os", "os.version", "os.features", "variant", "config", "rootfs", "history"})
public record ImageConfig(
        String created,
        String author,
        String architecture,
        String os,
        @JsonProperty("os.version") String osVersion,
        @JsonProperty("os.features") List<String> osFeatures,
        String variant,
        ContainerConfig config,
        RootFs rootfs,
        List<History> history) {

    public ImageConfig {
        history = history == null ? List.of() : List.copyOf(history);
    }

    public ContainerConfig containerConfig() {
        return config == null ? ContainerConfig.EMPTY : config;
    }

    public List<String> diffIds() {
        return rootfs == null || rootfs.diffIds() == null ? List.of() : rootfs.diffIds();
    }

    public ImageConfig withConfig(ContainerConfig newConfig) {
        return new ImageConfig(created, author, architecture, os, osVersion, osFeatures, variant, newConfig, rootfs, history);
    }

    /** The layer list: type is always "layers", diff_ids the digests of the uncompressed layer tars, in order. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonPropertyOrder({"type", "diff_ids"})
    public record RootFs(String type, @JsonProperty("diff_ids") List<String> diffIds) {
        public RootFs {
            diffIds = diffIds == null ? List.of() : List.copyOf(diffIds);
        }

        public static RootFs layers(List<String> diffIds) {
            return new RootFs("layers", diffIds);
        }
    }

    /** One step of how the image was made. */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonPropertyOrder({"created", "created_by", "author", "comment", "empty_layer"})
    public record History(
            String created,
            @JsonProperty("created_by") String createdBy,
            String author,
            String comment,
            @JsonProperty("empty_layer") Boolean emptyLayer) {

        public boolean isEmptyLayer() {
            return Boolean.TRUE.equals(emptyLayer);
        }
    }
}
