package dev.berth.tiny.fleet;

import dev.berth.oci.digest.Digest;

/** Where devices download a tiny container from: a registry, or the local image store. */
public interface ContainerSource {
    /** The manifest digest a reference (tag or digest) currently names. */
    Digest resolve(String reference);

    /** The manifest's bytes as downloaded; the device verifies them against the digest, so a source need not. */
    byte[] manifest(String reference, Digest digest);

    /** A blob's bytes (config or layer) as downloaded, verified by the device likewise. */
    byte[] blob(String reference, Digest digest);
}
