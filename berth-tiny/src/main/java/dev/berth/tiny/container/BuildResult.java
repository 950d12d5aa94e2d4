package dev.berth.tiny.container;

import dev.berth.oci.image.Descriptor;

/** What {@code berth tiny build} made: the manifest now tagged in the store, and what it needs on a device. */
public record BuildResult(String reference, Descriptor manifest, ResourceEstimate estimate, CheckedPipeline pipeline) {
}
