package dev.berth.tiny.fleet;

import dev.berth.oci.OciException;
import dev.berth.oci.digest.Digest;
import dev.berth.oci.store.ImageStore;
import dev.berth.tiny.TinyException;

/** Devices fed from this host's image store (a fleet on the build machine's bench). */
public record StoreSource(ImageStore store) implements ContainerSource {
    @Override
    public Digest resolve(String reference) {
        try {
            return store.resolve(reference).manifestDescriptor().digest();
        } catch (OciException e) {
            throw new TinyException(e.getMessage());
        }
    }

    @Override
    public byte[] manifest(String reference, Digest digest) {
        return blob(reference, digest);
    }

    @Override
    public byte[] blob(String reference, Digest digest) {
        try {
            return store.content().read(digest);
        } catch (OciException e) {
            throw new TinyException("blob " + digest + " of " + reference + " is not in the store: " + e.getMessage());
        }
    }
}
