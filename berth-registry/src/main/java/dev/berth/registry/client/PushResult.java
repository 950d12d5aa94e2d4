package dev.berth.registry.client;

import dev.berth.oci.digest.Digest;
import dev.berth.oci.reference.Reference;

/**
 * The outcome of a push.
 *
 * @param reference where it went
 * @param digest the digest of the pushed root manifest (or index)
 * @param size its size in bytes
 * @param uploaded blobs uploaded
 * @param skipped blobs the registry had already or mounted
 */
public record PushResult(Reference reference, Digest digest, long size, int uploaded, int skipped) {
}
