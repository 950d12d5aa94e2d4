package dev.berth.oci.layer;

import dev.berth.oci.digest.Digest;

/**
 * What an extraction did.
 *
 * @param entries tar entries applied, whiteouts included
 * @param fileBytes content bytes of regular files written
 * @param diffId sha256 of the whole uncompressed tar stream, computed while reading it
 * @param uncompressedSize length of the uncompressed tar stream
 */
public record ExtractResult(long entries, long fileBytes, Digest diffId, long uncompressedSize) {
}
