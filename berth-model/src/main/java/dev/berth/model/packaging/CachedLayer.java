package dev.berth.model.packaging;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.berth.oci.digest.Digest;
import dev.berth.oci.image.Descriptor;
import dev.berth.oci.layer.WrittenLayer;

/**
 * A layer the packager made once and keeps for reuse, with the history line that says what it is.
 *
 * @param createdBy the history entry's created_by: what this layer is
 * @param comment the history entry's comment: what went into it (package versions and digests, modules …)
 */
@JsonPropertyOrder({"blob", "diffId", "uncompressedSize", "createdBy", "comment"})
public record CachedLayer(Descriptor blob, Digest diffId, long uncompressedSize, String createdBy, String comment) {
    static CachedLayer of(WrittenLayer layer, String createdBy, String comment) {
        return new CachedLayer(layer.blob(), layer.diffId(), layer.uncompressedSize(), createdBy, comment);
    }

    WrittenLayer written() {
        return new WrittenLayer(blob, diffId, uncompressedSize);
    }
}
