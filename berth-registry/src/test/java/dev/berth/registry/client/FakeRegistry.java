package dev.berth.registry.client;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.berth.oci.digest.Digest;
import dev.berth.oci.image.Descriptor;
import dev.berth.oci.image.Manifest;
import dev.berth.oci.store.ImageStore;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A read-only registry that misbehaves on purpose (JDK HttpServer on 127.0.0.1): serves one repository's manifests
 * and blobs, can corrupt a blob, cut a blob's first transfer short, and demand Basic or Bearer authentication.
 */
final class FakeRegistry implements AutoCloseable {
    enum Auth { NONE, BASIC, BEARER }

    final HttpServer server;
    final Map<String, byte[]> manifests = new ConcurrentHashMap<>();
    final Map<String, String> manifestTypes = new ConcurrentHashMap<>();
    final Map<Digest, byte[]> blobs = new ConcurrentHashMap<>();
    final Set<Digest> corrupt = ConcurrentHashMap.newKeySet();
    /** Blob -> bytes after which its first GET is cut off. */
    final Map<Digest, Integer> cutOnce = new ConcurrentHashMap<>();
    final AtomicInteger tokenRequests = new AtomicInteger();
    final AtomicInteger rangeRequests = new AtomicInteger();
    volatile Auth auth = Auth.NONE;
    volatile String user = "alice";
    volatile String password = "s3cret";
    volatile String token = "token-" + System.nanoTime();

    FakeRegistry() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/token", this::token);
        server.createContext("/v2/", this::v2);
        server.start();
    }

    String domain() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    /** Serves a stored image's manifest (under a tag) and its blobs. */
    void serve(ImageStore store, Descriptor manifest, String tag) {
        byte[] bytes = store.content().read(manifest.digest());
        manifests.put(tag, bytes);
        manifests.put(manifest.digest().toString(), bytes);
        manifestTypes.put(tag, manifest.mediaType());
        manifestTypes.put(manifest.digest().toString(), manifest.mediaType());
        Manifest m = store.readManifest(manifest.digest());
        blobs.put(m.config().digest(), store.content().read(m.config().digest()));
        for (Descriptor layer : m.layers()) {
            blobs.put(layer.digest(), store.content().read(layer.digest()));
        }
    }

    private void token(HttpExchange ex) throws IOException {
        tokenRequests.incrementAndGet();
        String expected = "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        String query = ex.getRequestURI().getRawQuery();
        if (!expected.equals(ex.getRequestHeaders().getFirst("Authorization")) || query == null
                || !query.contains("service=fake") || !query.contains("scope=repository%3A")) {
            send(ex, 401, "{\"errors\":[{\"code\":\"UNAUTHORIZED\",\"message\":\"bad credentials\"}]}".getBytes(StandardCharsets.UTF_8));
            return;
        }
        send(ex, 200, ("{\"access_token\":\"" + token + "\",\"expires_in\":300}").getBytes(StandardCharsets.UTF_8));
    }

    private boolean authorized(HttpExchange ex) throws IOException {
        String header = ex.getRequestHeaders().getFirst("Authorization");
        switch (auth) {
            case NONE -> {
                return true;
            }
            case BASIC -> {
                String expected = "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
                if (expected.equals(header)) {
                    return true;
                }
                ex.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"fake registry\"");
            }
            case BEARER -> {
                if (("Bearer " + token).equals(header)) {
                    return true;
                }
                ex.getResponseHeaders().add("WWW-Authenticate", "Bearer realm=\"http://" + domain()
                        + "/token\",service=\"fake\",scope=\"repository:test/image:pull\"");
            }
        }
        send(ex, 401, "{\"errors\":[{\"code\":\"UNAUTHORIZED\",\"message\":\"authentication required\"}]}".getBytes(StandardCharsets.UTF_8));
        return false;
    }

    private void v2(HttpExchange ex) throws IOException {
        try (ex) {
            if (!authorized(ex)) {
                return;
            }
            String path = ex.getRequestURI().getPath();
            int m = path.indexOf("/manifests/");
            int b = path.indexOf("/blobs/");
            if (m >= 0) {
                String ref = path.substring(m + "/manifests/".length());
                byte[] bytes = manifests.get(ref);
                if (bytes == null) {
                    send(ex, 404, "{\"errors\":[{\"code\":\"MANIFEST_UNKNOWN\",\"message\":\"manifest unknown\"}]}".getBytes(StandardCharsets.UTF_8));
                    return;
                }
                ex.getResponseHeaders().add("Content-Type", manifestTypes.get(ref));
                ex.getResponseHeaders().add("Docker-Content-Digest", Digest.sha256(bytes).toString());
                send(ex, 200, bytes);
            } else if (b >= 0) {
                Digest digest = Digest.parse(path.substring(b + "/blobs/".length()));
                byte[] bytes = blobs.get(digest);
                if (bytes == null) {
                    send(ex, 404, "{\"errors\":[{\"code\":\"BLOB_UNKNOWN\",\"message\":\"blob unknown\"}]}".getBytes(StandardCharsets.UTF_8));
                    return;
                }
                if (corrupt.contains(digest)) {
                    bytes = bytes.clone();
                    bytes[bytes.length / 2] ^= 0x55;
                }
                Integer cut = cutOnce.remove(digest);
                if (cut != null) {
                    ex.sendResponseHeaders(200, bytes.length);
                    OutputStream out = ex.getResponseBody();
                    out.write(bytes, 0, cut);
                    out.flush();
                    // the rest never comes: drop the connection
                    ex.getHttpContext().getServer();
                    throw new IOException("cut on purpose");
                }
                String range = ex.getRequestHeaders().getFirst("Range");
                if (range != null && range.startsWith("bytes=") && range.endsWith("-")) {
                    rangeRequests.incrementAndGet();
                    int from = Integer.parseInt(range.substring(6, range.length() - 1));
                    ex.getResponseHeaders().add("Content-Range", "bytes " + from + "-" + (bytes.length - 1) + "/" + bytes.length);
                    byte[] rest = java.util.Arrays.copyOfRange(bytes, from, bytes.length);
                    send(ex, 206, rest);
                    return;
                }
                send(ex, 200, bytes);
            } else {
                send(ex, 200, "{}".getBytes(StandardCharsets.UTF_8));
            }
        }
    }

    private static void send(HttpExchange ex, int status, byte[] body) throws IOException {
        ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
