package dev.berth.registry.storage;

import dev.berth.oci.digest.Digest;

/** A manifest as it was pushed: the exact bytes (their digest is the manifest's identity) and its media type. */
public record StoredManifest(Digest digest, String mediaType, byte[] content) {
}
