package dev.berth.build.engine;

import dev.berth.oci.image.ContainerConfig;
import dev.berth.oci.image.ImageConfig;
import dev.berth.oci.image.Platform;
import java.util.List;

/**
 * A built stage (or a base image): its config, history and layers, and the cache key that stands for all of it.
 *
 * @param created the time of the last step (RFC 3339), the image's {@code created}
 */
record StageResult(ContainerConfig config, String author, Platform platform, List<ImageConfig.History> history,
                   List<LayerRef> layers, String cacheKey, String created) {
    StageResult {
        history = List.copyOf(history);
        layers = List.copyOf(layers);
    }
}
