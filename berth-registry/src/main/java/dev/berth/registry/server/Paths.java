package dev.berth.registry.server;

import dev.berth.oci.digest.Digest;
import dev.berth.registry.storage.RepositoryName;

/** The relative URLs the API hands back in Location headers; names, digests and ids need no escaping. */
final class Paths {
    private Paths() {
    }

    static String blob(RepositoryName name, Digest digest) {
        return "/v2/" + name + "/blobs/" + digest;
    }

    static String upload(RepositoryName name, String id) {
        return "/v2/" + name + "/blobs/uploads/" + id;
    }

    static String manifest(RepositoryName name, Digest digest) {
        return "/v2/" + name + "/manifests/" + digest;
    }

    /** The upload's Range header: inclusive end of the bytes received, "0-0" while still empty, as Docker answers. */
    static String uploadRange(long size) {
        return "0-" + Math.max(0, size - 1);
    }
}
