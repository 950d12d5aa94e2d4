package dev.berth.model.server;

import dev.berth.oci.json.Json;
import java.io.IOException;
import java.io.PrintStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import tools.jackson.databind.JsonNode;

/** Real HTTP to a test server on 127.0.0.1. */
final class Http {
    static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    /** A log that keeps quiet: tests read the server's answers, not its log lines. */
    static final EventLog QUIET = new EventLog(new PrintStream(OutputStream.nullOutputStream()));

    private Http() {
    }

    record Reply(int status, String body, HttpHeaders headers) {
        JsonNode json() {
            return Json.tree(body.getBytes(StandardCharsets.UTF_8), "reply");
        }

        String error() {
            return json().get("error").asString();
        }
    }

    static Reply get(URI base, String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(base.resolve(path)).GET().timeout(Duration.ofSeconds(30)).build());
    }

    static Reply post(URI base, String path, String body) throws IOException, InterruptedException {
        return post(base, path, body.getBytes(StandardCharsets.UTF_8));
    }

    static Reply post(URI base, String path, byte[] body) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(base.resolve(path)).POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .header("Content-Type", "application/json").timeout(Duration.ofSeconds(30)).build());
    }

    static Reply send(HttpRequest request) throws IOException, InterruptedException {
        HttpResponse<String> r = CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
        return new Reply(r.statusCode(), r.body(), r.headers());
    }
}
