package dev.berth.registry.server;

import dev.berth.oci.digest.Digest;
import dev.berth.registry.storage.DistributionException;
import dev.berth.registry.storage.ErrorCode;
import dev.berth.registry.storage.RegistryStorage;
import dev.berth.registry.storage.RepositoryName;
import dev.berth.registry.storage.UploadStatus;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code /v2/<name>/blobs/uploads/[<id>]}: start (monolithic, mount or session), stream chunks, finish with a digest,
 * report progress, cancel.
 */
final class UploadEndpoints {
    /** Content-Range of a chunk: the spec's bare "a-b"; a leading "bytes " is tolerated. */
    private static final Pattern CHUNK_RANGE = Pattern.compile("(?:bytes[ =])?(\\d+)-(\\d+)(?:/\\S*)?");

    private final RegistryStorage storage;

    UploadEndpoints(RegistryStorage storage) {
        this.storage = storage;
    }

    void start(Exchange exchange, RepositoryName name) {
        if (!exchange.method().equals("POST")) {
            throw Methods.unsupported(exchange, "POST");
        }
        String mount = exchange.query("mount");
        if (mount != null) {
            Digest digest = RegistryStorage.requestDigest(mount);
            String from = exchange.query("from");
            // without 'from' (or from an unknown repository) the spec lets the registry fall back to an upload session
            if (from != null && isName(from) && storage.mountBlob(name, new RepositoryName(from), digest)) {
                created(exchange, name, digest);
                return;
            }
        } else if (exchange.query("digest") != null) {
            Digest digest = RegistryStorage.requestDigest(exchange.query("digest"));
            storage.putBlob(name, digest, exchange.contentLength(), exchange.body());
            created(exchange, name, digest);
            return;
        }
        UploadStatus upload = storage.startUpload(name);
        accepted(exchange, upload);
    }

    void handle(Exchange exchange, RepositoryName name, String id) {
        switch (exchange.method()) {
            case "GET" -> {
                UploadStatus upload = storage.uploadStatus(name, id);
                exchange.header(Headers.LOCATION, Paths.upload(name, id));
                exchange.header(Headers.RANGE, Paths.uploadRange(upload.size()));
                exchange.header(Headers.UPLOAD_UUID, id);
                exchange.send(204);
            }
            case "PATCH" -> {
                Chunk chunk = chunk(exchange);
                UploadStatus upload = storage.appendUpload(name, id, chunk.start(), chunk.length(), exchange.body());
                accepted(exchange, upload);
            }
            case "PUT" -> {
                Digest digest = RegistryStorage.requestDigest(exchange.query("digest"));
                Chunk chunk = chunk(exchange);
                storage.finishUpload(name, id, digest, chunk.start(), chunk.length(), exchange.body());
                created(exchange, name, digest);
            }
            case "DELETE" -> {
                storage.cancelUpload(name, id);
                exchange.send(204);
            }
            default -> throw Methods.unsupported(exchange, "GET, PATCH, PUT, DELETE");
        }
    }

    /** Where a chunk claims to start and how long it claims to be; either may be unknown (null). */
    private record Chunk(Long start, Long length) {
    }

    private static Chunk chunk(Exchange exchange) {
        Long contentLength = exchange.contentLength();
        String header = exchange.header(Headers.CONTENT_RANGE);
        if (header == null) {
            return new Chunk(null, contentLength);
        }
        Matcher matcher = CHUNK_RANGE.matcher(header.trim());
        if (!matcher.matches()) {
            throw new DistributionException(ErrorCode.BLOB_UPLOAD_INVALID, "malformed Content-Range '" + header + "'");
        }
        long start;
        long end;
        try {
            start = Long.parseLong(matcher.group(1));
            end = Long.parseLong(matcher.group(2));
        } catch (NumberFormatException e) {
            throw new DistributionException(ErrorCode.BLOB_UPLOAD_INVALID, "Content-Range '" + header + "' is out of range");
        }
        if (end < start) {
            throw new DistributionException(ErrorCode.RANGE_INVALID, "Content-Range '" + header + "' ends before it starts");
        }
        long length = end - start + 1;
        if (contentLength != null && contentLength != length) {
            throw new DistributionException(ErrorCode.SIZE_INVALID,
                    "Content-Range covers " + length + " bytes but Content-Length is " + contentLength);
        }
        return new Chunk(start, length);
    }

    private static void accepted(Exchange exchange, UploadStatus upload) {
        exchange.header(Headers.LOCATION, Paths.upload(upload.repository(), upload.id()));
        exchange.header(Headers.UPLOAD_UUID, upload.id());
        exchange.header(Headers.RANGE, Paths.uploadRange(upload.size()));
        exchange.send(202);
    }

    private static void created(Exchange exchange, RepositoryName name, Digest digest) {
        exchange.header(Headers.LOCATION, Paths.blob(name, digest));
        exchange.header(Headers.CONTENT_DIGEST, digest.toString());
        exchange.send(201);
    }

    private static boolean isName(String text) {
        try {
            new RepositoryName(text);
            return true;
        } catch (DistributionException e) {
            return false;
        }
    }
}
