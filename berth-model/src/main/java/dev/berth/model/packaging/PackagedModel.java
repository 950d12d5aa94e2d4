package dev.berth.model.packaging;

import dev.berth.oci.digest.Digest;
import dev.berth.oci.image.Descriptor;
import dev.berth.oci.reference.Reference;
import java.util.List;

/**
 * A packaged model image, as stored and named.
 *
 * @param manifest the image manifest's descriptor (what the name points at)
 * @param imageId the config digest, Docker's image ID
 * @param modelSha256 hex sha256 of the model file
 * @param layers bottom to top: base, Java runtime (unless the named base has one), server, model
 */
public record PackagedModel(Reference reference, String modelName, Descriptor manifest, Digest imageId,
        ModelSignature signature, String modelSha256, List<PackagedLayer> layers) {

    public PackagedModel {
        layers = List.copyOf(layers);
    }

    /**
     * One layer of the image.
     *
     * @param role "base", "java", "server", "model", or "base N" for the layers of a named base image
     * @param reused true when the layer was already in the store (from the cache or the named base): not made again
     */
    public record PackagedLayer(String role, Descriptor blob, Digest diffId, long uncompressedSize, boolean reused,
            String description) {
    }

    /** What the image takes in the store and on the wire: the layers' compressed sizes. */
    public long compressedSize() {
        return layers.stream().mapToLong(l -> l.blob().size()).sum();
    }

    /** What the image takes unpacked. */
    public long uncompressedSize() {
        return layers.stream().mapToLong(PackagedLayer::uncompressedSize).sum();
    }
}
