package dev.berth.registry.server;

import dev.berth.oci.digest.Digest;
import dev.berth.registry.storage.BlobInfo;
import dev.berth.registry.storage.DistributionException;
import dev.berth.registry.storage.ErrorCode;
import dev.berth.registry.storage.RegistryStorage;
import dev.berth.registry.storage.RepositoryName;
import java.io.IOException;
import java.util.Optional;

/** {@code /v2/<name>/blobs/<digest>}: fetch (whole or a byte range), check, delete. */
final class BlobEndpoints {
    private static final String OCTET_STREAM = "application/octet-stream";

    private final RegistryStorage storage;

    BlobEndpoints(RegistryStorage storage) {
        this.storage = storage;
    }

    void handle(Exchange exchange, RepositoryName name, String reference) throws IOException {
        Digest digest = RegistryStorage.requestDigest(reference);
        switch (exchange.method()) {
            case "GET", "HEAD" -> get(exchange, name, digest);
            case "DELETE" -> {
                storage.deleteBlob(name, digest);
                exchange.send(202);
            }
            default -> throw Methods.unsupported(exchange, "GET, HEAD, DELETE");
        }
    }

    private void get(Exchange exchange, RepositoryName name, Digest digest) throws IOException {
        BlobInfo blob = storage.blob(name, digest).orElseThrow(() ->
                new DistributionException(ErrorCode.BLOB_UNKNOWN, digest + " is not in " + name));
        exchange.header(Headers.CONTENT_DIGEST, digest.toString());
        exchange.header(Headers.ACCEPT_RANGES, "bytes");
        Optional<ByteRange> range;
        try {
            range = ByteRange.parse(exchange.header(Headers.RANGE), blob.size());
        } catch (DistributionException e) {
            exchange.header(Headers.CONTENT_RANGE, "bytes */" + blob.size());
            throw e;
        }
        if (range.isPresent()) {
            exchange.header(Headers.CONTENT_RANGE, range.get().contentRange(blob.size()));
            exchange.sendFile(206, OCTET_STREAM, blob.path(), range.get().first(), range.get().length());
        } else {
            exchange.sendFile(200, OCTET_STREAM, blob.path(), 0, blob.size());
        }
    }
}
