package dev.berth.registry.client;

import dev.berth.oci.digest.Digest;
import dev.berth.oci.image.Descriptor;
import dev.berth.oci.reference.Reference;

/**
 * The outcome of a pull.
 *
 * @param reference what was pulled, normalized
 * @param digest the digest the registry resolved the reference to (the index's, for a multi-platform image)
 * @param manifest the stored manifest for the chosen platform (the root the name now points at)
 * @param index the index it was chosen from, or null
 * @param downloaded blobs fetched (config and layers)
 * @param present blobs the store already held
 * @param upToDate the name already pointed at this image and nothing was fetched
 */
public record PullResult(Reference reference, Digest digest, Descriptor manifest, Descriptor index, int downloaded,
        int present, boolean upToDate) {
}
