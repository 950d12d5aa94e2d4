package dev.berth.build.engine;

import dev.berth.oci.digest.Digest;
import dev.berth.oci.image.Descriptor;
import java.util.List;

/**
 * A finished build.
 *
 * @param manifest the image's manifest, as stored (its digest is the image's digest)
 * @param imageId the config digest, the image ID {@code docker images} shows
 * @param tags the names given to it
 * @param steps how many steps ran or were taken from the cache
 * @param cachedSteps how many of them came from the cache
 */
public record BuildResult(Descriptor manifest, Digest imageId, List<String> tags, int steps, int cachedSteps) {
    public BuildResult {
        tags = List.copyOf(tags);
    }
}
