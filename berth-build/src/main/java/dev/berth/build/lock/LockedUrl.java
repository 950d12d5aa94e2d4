package dev.berth.build.lock;

import dev.berth.oci.digest.Digest;

/**
 * A remote {@code ADD} source, as the lock pins it.
 *
 * @param url the URL after variable substitution
 * @param sha256 the digest of the content the URL served when the lock was made
 */
public record LockedUrl(String url, Digest sha256) {
}
