package dev.berth.build.cache;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.berth.oci.image.Descriptor;

/**
 * What one build step produced, found again by its cache key: the layer it added (null for a step that only changed
 * the config) and when it first ran, so that a rebuild from the cache gives the same history, config and digest.
 *
 * @param key the step's cache key
 * @param created when the step first ran (RFC 3339), what the image's history records for it
 * @param layer the layer blob, or null
 * @param diffId the layer's uncompressed digest, or null
 * @param chainId the ChainID of the stage's filesystem after this layer (where its snapshot is unpacked), or null
 * @param description the instruction, for {@code builder prune} and debugging
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"key", "created", "layer", "diffId", "chainId", "description"})
public record CacheEntry(
        @JsonProperty("key") String key,
        @JsonProperty("created") String created,
        @JsonProperty("layer") Descriptor layer,
        @JsonProperty("diffId") String diffId,
        @JsonProperty("chainId") String chainId,
        @JsonProperty("description") String description) {

    public boolean hasLayer() {
        return layer != null;
    }
}
