package dev.berth.registry.server;

import dev.berth.oci.digest.Digest;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;

/** A registry on 127.0.0.1 with a free port, and a small HTTP client for it. */
final class TestRegistry implements AutoCloseable {
    final Path root;
    final RegistryServer server;
    private final HttpClient http;

    TestRegistry(Path root, boolean readOnly) {
        this(new RegistryServer.Config(root, "127.0.0.1", 0, readOnly), HttpClient.newBuilder());
    }

    /** Any configuration (authentication, TLS); the client builder brings, say, an SSL context that trusts the server. */
    TestRegistry(RegistryServer.Config config, HttpClient.Builder client) {
        this.root = config.root();
        this.server = RegistryServer.start(config);
        this.http = client.connectTimeout(Duration.ofSeconds(5)).build();
    }

    TestRegistry(Path root) {
        this(root, false);
    }

    HttpResponse<byte[]> send(String method, String path, byte[] body, String... headers) {
        return send(method, path, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body), headers);
    }

    HttpResponse<byte[]> send(String method, String path, HttpRequest.BodyPublisher body, String... headers) {
        URI uri = path.startsWith("http") ? URI.create(path) : server.baseUri().resolve(path);
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).method(method, body);
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    HttpResponse<byte[]> get(String path, String... headers) {
        return send("GET", path, (byte[]) null, headers);
    }

    /** Pushes a blob monolithically (POST ?digest=) and returns its digest. */
    Digest pushBlob(String repo, byte[] content) {
        Digest digest = Digest.sha256(content);
        var response = send("POST", "/v2/" + repo + "/blobs/uploads/?digest=" + digest, content,
                "Content-Type", "application/octet-stream");
        if (response.statusCode() != 201) {
            throw new AssertionError("blob push failed: " + response.statusCode() + " " + new String(response.body()));
        }
        return digest;
    }

    @Override
    public void close() {
        server.close();
    }
}
