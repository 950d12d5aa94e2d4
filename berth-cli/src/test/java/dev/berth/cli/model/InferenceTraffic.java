package dev.berth.cli.model;

import dev.berth.oci.json.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import tools.jackson.databind.JsonNode;

/**
 * Continuous inference traffic against one port, from several client threads that each send POST
 * {@code /v2/models/{model}/infer} back to back: through {@link HttpClient} (kept-alive connections), over one raw socket
 * kept alive for as long as the server allows, and over a fresh raw socket per request. Every answer is checked
 * against the exact outputs each model version gives in process, and recorded with the test's phase when it was sent and
 * when it came back, so a test can say which answers a rollout step must have produced.
 */
final class InferenceTraffic implements AutoCloseable {
    /** How a client talks to the server. */
    enum Kind { HTTP_CLIENT, KEPT_ALIVE_SOCKET, FRESH_SOCKET }

    /**
     * One request's fate: the phases at send and at answer, and either the model version that answered or why the
     * request failed (status, transport error or an invalid body).
     */
    record Answer(Kind kind, int sentInPhase, int answeredInPhase, String version, String failure) {
        boolean ok() {
            return failure == null;
        }
    }

    private final int port;
    private final String model;
    private final String body;
    private final Map<String, List<Float>> expectedByVersion;
    private final AtomicInteger phase = new AtomicInteger();
    private final AtomicLong ids = new AtomicLong();
    private final AtomicInteger reconnects = new AtomicInteger();
    private final ConcurrentLinkedQueue<Answer> answers = new ConcurrentLinkedQueue<>();
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean stopping;

    /**
     * @param body the request body; its {@code "id"} value must be {@code "ID"}, which each request replaces with its own
     * @param expectedByVersion the output data, flattened, that each model version must answer with
     */
    InferenceTraffic(int port, String model, String body, Map<String, List<Float>> expectedByVersion) {
        this.port = port;
        this.model = model;
        this.body = body;
        this.expectedByVersion = Map.copyOf(expectedByVersion);
    }

    /** Starts {@code count} clients of {@code kind}. */
    void start(Kind kind, int count) {
        for (int i = 0; i < count; i++) {
            Thread t = Thread.ofPlatform().name("traffic-" + kind.name().toLowerCase(Locale.ROOT) + "-" + i).start(() -> loop(kind));
            threads.add(t);
        }
    }

    void phase(int next) {
        phase.set(next);
    }

    List<Answer> answers() {
        return List.copyOf(answers);
    }

    /** Times a kept-alive socket client had to reconnect because the server ended the connection after an answer. */
    int reconnects() {
        return reconnects.get();
    }

    /** Waits until at least {@code n} requests sent in {@code inPhase} have been answered (or failed). */
    void awaitAnswered(int inPhase, int n, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (answers.stream().filter(a -> a.sentInPhase() == inPhase).count() < n) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("fewer than " + n + " answers to requests sent in phase " + inPhase + " within "
                        + timeout.toSeconds() + " s");
            }
            Thread.sleep(20);
        }
    }

    @Override
    public void close() throws InterruptedException {
        stopping = true;
        for (Thread t : threads) {
            t.join(60_000);
        }
    }

    // ---- the clients

    private void loop(Kind kind) {
        HttpClient http = kind == Kind.HTTP_CLIENT ? HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build() : null;
        Socket kept = null;
        try {
            while (!stopping) {
                String id = "req-" + ids.incrementAndGet();
                String request = body.replace("\"ID\"", "\"" + id + "\"");
                int sentIn = phase.get();
                String version = null;
                String failure;
                try {
                    Response response;
                    switch (kind) {
                        case HTTP_CLIENT -> {
                            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                                    + "/v2/models/" + model + "/infer")).timeout(Duration.ofSeconds(30))
                                    .header("Content-Type", "application/json")
                                    .POST(HttpRequest.BodyPublishers.ofString(request)).build(), HttpResponse.BodyHandlers.ofString());
                            response = new Response(r.statusCode(), r.body(), false);
                        }
                        case KEPT_ALIVE_SOCKET -> {
                            if (kept == null) {
                                kept = connect();
                            }
                            response = exchange(kept, request, true);
                            if (response.closes()) {
                                kept.close();
                                kept = null;
                                reconnects.incrementAndGet();
                            }
                        }
                        case FRESH_SOCKET -> {
                            try (Socket fresh = connect()) {
                                response = exchange(fresh, request, false);
                            }
                        }
                        default -> throw new IllegalStateException(kind.name());
                    }
                    if (response.status() != 200) {
                        failure = "HTTP " + response.status() + ": " + response.body();
                    } else {
                        version = versionOf(response.body(), id);
                        failure = version == null ? "invalid inference body: " + response.body() : null;
                    }
                } catch (IOException | RuntimeException e) {
                    failure = e.getClass().getSimpleName() + ": " + e.getMessage();
                    if (kept != null) {
                        closeQuietly(kept);
                        kept = null;
                    }
                }
                answers.add(new Answer(kind, sentIn, phase.get(), version, failure));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (kept != null) {
                closeQuietly(kept);
            }
            if (http != null) {
                http.close();
            }
        }
    }

    /** The answering model version when the body is a valid answer to request {@code id}, else null. */
    private String versionOf(String text, String id) {
        JsonNode json = Json.tree(text.getBytes(StandardCharsets.UTF_8), "inference response");
        if (!model.equals(json.path("model_name").asString("")) || !id.equals(json.path("id").asString(""))) {
            return null;
        }
        String version = json.path("model_version").asString("");
        List<Float> expected = expectedByVersion.get(version);
        JsonNode outputs = json.path("outputs");
        if (expected == null || outputs.size() != 1 || !"output".equals(outputs.get(0).path("name").asString(""))
                || !"FP32".equals(outputs.get(0).path("datatype").asString(""))) {
            return null;
        }
        List<Float> served = new ArrayList<>();
        flatten(outputs.get(0).path("data"), served);
        return served.equals(expected) ? version : null;
    }

    static void flatten(JsonNode node, List<Float> into) {
        if (node.isArray()) {
            for (JsonNode child : node) {
                flatten(child, into);
            }
        } else {
            into.add(node.floatValue());
        }
    }

    // ---- HTTP/1.1 over a raw socket, just enough of it for these exchanges

    private record Response(int status, String body, boolean closes) {
    }

    private Socket connect() throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        s.setSoTimeout(30_000);
        s.setTcpNoDelay(true);
        return s;
    }

    private Response exchange(Socket socket, String request, boolean keepAlive) throws IOException {
        byte[] payload = request.getBytes(StandardCharsets.UTF_8);
        String head = "POST /v2/models/" + model + "/infer HTTP/1.1\r\nHost: 127.0.0.1:" + port
                + "\r\nContent-Type: application/json\r\nContent-Length: " + payload.length + "\r\n"
                + (keepAlive ? "" : "Connection: close\r\n") + "\r\n";
        OutputStream out = socket.getOutputStream();
        out.write(head.getBytes(StandardCharsets.US_ASCII));
        out.write(payload);
        out.flush();

        InputStream in = socket.getInputStream();
        String statusLine = line(in);
        String[] parts = statusLine.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
            throw new IOException("not an HTTP status line: '" + statusLine + "'");
        }
        int status = Integer.parseInt(parts[1]);
        long length = -1;
        boolean chunked = false;
        boolean closes = parts[0].equals("HTTP/1.0");
        for (String header = line(in); !header.isEmpty(); header = line(in)) {
            int colon = header.indexOf(':');
            String name = header.substring(0, colon).strip().toLowerCase(Locale.ROOT);
            String value = header.substring(colon + 1).strip();
            switch (name) {
                case "content-length" -> length = Long.parseLong(value);
                case "transfer-encoding" -> chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
                case "connection" -> closes = value.toLowerCase(Locale.ROOT).contains("close");
                default -> { }
            }
        }
        ByteArrayOutputStream content = new ByteArrayOutputStream();
        if (chunked) {
            for (long size = Long.parseLong(line(in).split(";")[0].strip(), 16); size > 0;
                    size = Long.parseLong(line(in).split(";")[0].strip(), 16)) {
                content.write(exactly(in, size));
                line(in);
            }
            while (!line(in).isEmpty()) {
                // trailers
            }
        } else if (length >= 0) {
            content.write(exactly(in, length));
        } else {
            in.transferTo(content);
            closes = true;
        }
        return new Response(status, content.toString(StandardCharsets.UTF_8), closes || !keepAlive);
    }

    private static byte[] exactly(InputStream in, long n) throws IOException {
        byte[] bytes = in.readNBytes((int) n);
        if (bytes.length != n) {
            throw new IOException("the connection ended after " + bytes.length + " of " + n + " body bytes");
        }
        return bytes;
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder s = new StringBuilder();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                throw new IOException("the connection ended mid-response" + (s.isEmpty() ? "" : " after '" + s + "'"));
            }
            if (c != '\r') {
                s.append((char) c);
            }
        }
        return s.toString();
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // already broken
        }
    }
}
