package dev.berth.oci.store;

import dev.berth.oci.digest.Digest;
import dev.berth.oci.image.Descriptor;
import dev.berth.oci.image.ImageConfig;
import dev.berth.oci.image.Manifest;
import java.util.List;

/**
 * A stored image as the engine sees it: the root the names point at (a manifest, or an index for several platforms),
 * the manifest chosen for this platform, and its config. Its ID is the config digest, as in Docker and Podman.
 */
public record Image(Descriptor root, Descriptor manifestDescriptor, Manifest manifest, ImageConfig config, List<String> names) {
    public Digest id() {
        return manifest.config().digest();
    }

    /** Compressed size of manifest, config and layers: what the image occupies in the store. */
    public long size() {
        return manifestDescriptor.size() + manifest.config().size()
                + manifest.layers().stream().mapToLong(Descriptor::size).sum();
    }
}
