package dev.berth.daemon.deploy;

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

/**
 * A client that sends requests back to back to a deployment's port until stopped, in turns: GET over a kept-alive
 * connection, GET over a new connection closed after the answer, and POST of a body to the CGI (kept alive). It
 * records every answer (or failure) with when it was sent.
 */
final class Traffic implements AutoCloseable {
    /** One request: sent at {@code sentNanos}; status -1 with {@code error} when it failed. */
    record Result(long sentNanos, int status, String body, String error) {
        String version() {
            return body == null ? null : body.lines().findFirst().orElse("");
        }
    }

    private final int port;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final List<Result> results = new ArrayList<>();
    private volatile boolean stopped;
    private final Thread thread;

    Traffic(int port) {
        this.port = port;
        this.thread = Thread.ofPlatform().name("traffic-" + port).start(this::loop);
    }

    private void loop() {
        long n = 0;
        while (!stopped) {
            long sent = System.nanoTime();
            Result r;
            try {
                r = switch ((int) (n++ % 3)) {
                    case 0 -> keptAlive(sent);
                    case 1 -> newConnection(sent);
                    default -> post(sent, "body-" + n);
                };
            } catch (IOException | RuntimeException e) {
                r = new Result(sent, -1, null, e.toString());
            } catch (InterruptedException e) {
                return;
            }
            synchronized (results) {
                results.add(r);
            }
        }
    }

    private Result keptAlive(long sent) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v2/models/m"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        return new Result(sent, r.statusCode(), r.body(), null);
    }

    private Result post(long sent, String payload) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/cgi-bin/infer"))
                .timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.ofString(payload)).build(),
                HttpResponse.BodyHandlers.ofString());
        String body = r.body();
        if (r.statusCode() == 200 && !body.endsWith(payload)) {
            return new Result(sent, r.statusCode(), body, "the POST body did not come back: " + body);
        }
        return new Result(sent, r.statusCode(), body, null);
    }

    /** HTTP/1.1 on a socket of its own, closed after one answer. */
    private Result newConnection(long sent) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write("GET /v2/models/m HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            String all = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
            int headEnd = all.indexOf("\r\n\r\n");
            if (headEnd < 0) {
                return new Result(sent, -1, null, "no complete answer: '" + all + "'");
            }
            String head = all.substring(0, headEnd);
            int status = Integer.parseInt(head.split(" ", 3)[1]);
            String body = all.substring(headEnd + 4);
            if (head.toLowerCase(java.util.Locale.ROOT).contains("transfer-encoding: chunked")) {
                body = dechunk(body);
            }
            return new Result(sent, status, body, null);
        }
    }

    private static String dechunk(String chunked) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int at = 0;
        while (true) {
            int lineEnd = chunked.indexOf("\r\n", at);
            int size = Integer.parseInt(chunked.substring(at, lineEnd).split(";")[0].strip(), 16);
            if (size == 0) {
                return out.toString(StandardCharsets.ISO_8859_1);
            }
            out.writeBytes(chunked.substring(lineEnd + 2, lineEnd + 2 + size).getBytes(StandardCharsets.ISO_8859_1));
            at = lineEnd + 2 + size + 2;
        }
    }

    List<Result> results() {
        synchronized (results) {
            return List.copyOf(results);
        }
    }

    /** Waits until at least {@code n} more answers arrived. */
    void awaitMore(int n) throws InterruptedException {
        int target = results().size() + n;
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (results().size() < target && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
    }

    @Override
    public void close() throws InterruptedException {
        stopped = true;
        thread.join(15_000);
        http.close();
    }
}
