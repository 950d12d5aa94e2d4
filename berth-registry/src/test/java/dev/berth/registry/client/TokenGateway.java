package dev.berth.registry.client;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

/**
 * A token server and a Bearer-checking gateway on 127.0.0.1 in front of a real registry: {@code /token} implements
 * distribution's token spec (GET with Basic credentials, and the OAuth2 POST with {@code grant_type=refresh_token});
 * {@code /v2/} answers 401 with a Bearer challenge unless the request carries a token it issued, then forwards reads.
 */
final class TokenGateway implements AutoCloseable {
    static final String SERVICE = "gateway.test";

    private final URI upstream;
    private final HttpServer server;
    private final HttpClient client = HttpClient.newHttpClient();
    final String refreshToken = "refresh-" + Long.toHexString(System.nanoTime());
    final String user = "carol";
    final String password = "pa55";
    private final String accessToken = "access-" + Long.toHexString(System.nanoTime());
    /** Each token request: method and its parameters (query for GET, form for POST). */
    final List<Map<String, String>> tokenRequests = new CopyOnWriteArrayList<>();
    /** When false, POST /token is 404 as on a token server without OAuth2. */
    volatile boolean oauth = true;

    TokenGateway(URI upstream) throws IOException {
        this.upstream = upstream;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/token", this::token);
        server.createContext("/v2/", this::v2);
        server.start();
    }

    String domain() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    private void token(HttpExchange ex) throws IOException {
        try (ex) {
            Map<String, String> params = new LinkedHashMap<>();
            params.put("method", ex.getRequestMethod());
            String raw = ex.getRequestMethod().equals("POST")
                    ? new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8) : ex.getRequestURI().getRawQuery();
            for (String pair : raw == null ? new String[0] : raw.split("&")) {
                int eq = pair.indexOf('=');
                params.merge(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8), (a, b) -> a + "," + b);
            }
            tokenRequests.add(params);
            if (ex.getRequestMethod().equals("POST")) {
                if (!oauth) {
                    send(ex, 404, "{}");
                } else if (!"application/x-www-form-urlencoded".equals(ex.getRequestHeaders().getFirst("Content-Type"))
                        || !"refresh_token".equals(params.get("grant_type")) || !SERVICE.equals(params.get("service"))
                        || params.getOrDefault("client_id", "").isEmpty()) {
                    send(ex, 400, "{\"error\":\"invalid_request\"}");
                } else if (!refreshToken.equals(params.get("refresh_token"))) {
                    send(ex, 400, "{\"error\":\"invalid_grant\"}");
                } else {
                    send(ex, 200, "{\"access_token\":\"" + accessToken + "\",\"scope\":\"" + params.get("scope")
                            + "\",\"expires_in\":300,\"refresh_token\":\"" + refreshToken + "\"}");
                }
                return;
            }
            String basic = "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
            if (!basic.equals(ex.getRequestHeaders().getFirst("Authorization"))) {
                send(ex, 401, "{\"errors\":[{\"code\":\"UNAUTHORIZED\",\"message\":\"bad credentials\"}]}");
                return;
            }
            send(ex, 200, "{\"token\":\"" + accessToken + "\",\"expires_in\":300}");
        }
    }

    private void v2(HttpExchange ex) throws IOException {
        try (ex) {
            if (!("Bearer " + accessToken).equals(ex.getRequestHeaders().getFirst("Authorization"))) {
                String path = ex.getRequestURI().getPath();
                String scope = "";
                int cut = Math.max(path.indexOf("/manifests/"), path.indexOf("/blobs/"));
                if (cut > 0) {
                    scope = ",scope=\"repository:" + path.substring("/v2/".length(), cut) + ":pull\"";
                }
                ex.getResponseHeaders().add("WWW-Authenticate",
                        "Bearer realm=\"http://" + domain() + "/token\",service=\"" + SERVICE + "\"" + scope);
                send(ex, 401, "{\"errors\":[{\"code\":\"UNAUTHORIZED\",\"message\":\"authentication required\"}]}");
                return;
            }
            HttpRequest.Builder request = HttpRequest.newBuilder(upstream.resolve(ex.getRequestURI().toString()))
                    .method(ex.getRequestMethod(), HttpRequest.BodyPublishers.noBody());
            for (String name : List.of("Accept", "Range")) {
                String value = ex.getRequestHeaders().getFirst(name);
                if (value != null) {
                    request.header(name, value);
                }
            }
            HttpResponse<InputStream> response;
            try {
                response = client.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
            for (String name : List.of("Content-Type", "Content-Range", "Docker-Content-Digest")) {
                response.headers().allValues(name).forEach(v -> ex.getResponseHeaders().add(name, v));
            }
            long length = response.headers().firstValueAsLong("Content-Length").orElse(0);
            boolean head = ex.getRequestMethod().equals("HEAD");
            ex.sendResponseHeaders(response.statusCode(), head || length == 0 ? -1 : length);
            try (InputStream in = response.body(); OutputStream out = ex.getResponseBody()) {
                in.transferTo(out);
            }
        }
    }

    private static void send(HttpExchange ex, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        client.close();
    }
}
