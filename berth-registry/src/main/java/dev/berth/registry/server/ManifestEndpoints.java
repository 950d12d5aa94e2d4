package dev.berth.registry.server;

import dev.berth.registry.storage.DistributionException;
import dev.berth.registry.storage.ErrorCode;
import dev.berth.registry.storage.PushedManifest;
import dev.berth.registry.storage.RegistryStorage;
import dev.berth.registry.storage.RepositoryName;
import dev.berth.registry.storage.StoredManifest;
import java.io.IOException;
import java.io.InputStream;

/** {@code /v2/<name>/manifests/<reference>}: pull the exact pushed bytes, push with validation, delete. */
final class ManifestEndpoints {
    private final RegistryStorage storage;

    ManifestEndpoints(RegistryStorage storage) {
        this.storage = storage;
    }

    void handle(Exchange exchange, RepositoryName name, String reference) throws IOException {
        switch (exchange.method()) {
            case "GET", "HEAD" -> {
                StoredManifest manifest = storage.manifest(name, reference).orElseThrow(() ->
                        new DistributionException(ErrorCode.MANIFEST_UNKNOWN, reference + " is not in " + name));
                exchange.header(Headers.CONTENT_DIGEST, manifest.digest().toString());
                exchange.send(200, manifest.mediaType(), manifest.content());
            }
            case "PUT" -> {
                byte[] body = readLimited(exchange);
                PushedManifest pushed = storage.putManifest(name, reference, exchange.header(Headers.CONTENT_TYPE), body);
                exchange.header(Headers.LOCATION, Paths.manifest(name, pushed.digest()));
                exchange.header(Headers.CONTENT_DIGEST, pushed.digest().toString());
                if (pushed.subject() != null) {
                    exchange.header(Headers.OCI_SUBJECT, pushed.subject().toString());
                }
                exchange.send(201);
            }
            case "DELETE" -> {
                storage.deleteManifest(name, reference);
                exchange.send(202);
            }
            default -> throw Methods.unsupported(exchange, "GET, HEAD, PUT, DELETE");
        }
    }

    /**
     * Reads at most the manifest limit plus one byte, so an oversized body is refused without buffering all of it. The
     * rest of a moderately oversized body is read and dropped first: a client still sending when the 413 arrives and
     * the connection closes would see a reset instead of the error.
     */
    private static byte[] readLimited(Exchange exchange) throws IOException {
        int limit = RegistryStorage.MAX_MANIFEST_BYTES;
        long drainLimit = 4L * limit;
        Long declared = exchange.contentLength();
        if (declared != null && declared > drainLimit) {
            throw tooLarge(declared);
        }
        try (InputStream in = exchange.body()) {
            byte[] body = in.readNBytes(limit + 1);
            if (body.length > limit) {
                long dropped = in.skip(drainLimit);
                throw tooLarge(body.length + dropped);
            }
            return body;
        }
    }

    private static DistributionException tooLarge(long size) {
        return new DistributionException(ErrorCode.MANIFEST_TOO_LARGE,
                "manifests are limited to " + RegistryStorage.MAX_MANIFEST_BYTES + " bytes, this one has "
                        + (size > RegistryStorage.MAX_MANIFEST_BYTES + 1L ? size : "more"));
    }
}
