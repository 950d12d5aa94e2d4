package dev.berth.registry.storage;

import dev.berth.oci.digest.Digest;

/** The result of a manifest push: its digest, and the subject it refers to (null when none). */
public record PushedManifest(Digest digest, Digest subject) {
}
