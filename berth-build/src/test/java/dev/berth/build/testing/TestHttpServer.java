package dev.berth.build.testing;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A plain HTTP server on 127.0.0.1 with a free port, serving bytes the test sets per path (and changes while it
 * runs): for ADD of remote URLs. Unknown paths are 404; {@link #redirect} answers 302.
 */
public final class TestHttpServer implements AutoCloseable {
    private final HttpServer server;
    private final Map<String, byte[]> files = new ConcurrentHashMap<>();
    private final Map<String, String> redirects = new ConcurrentHashMap<>();
    private final AtomicInteger requests = new AtomicInteger();
    private final java.util.concurrent.ExecutorService executor =
            java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor();

    private TestHttpServer(HttpServer server) {
        this.server = server;
    }

    public static TestHttpServer start() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            TestHttpServer t = new TestHttpServer(server);
            server.createContext("/", exchange -> {
                t.requests.incrementAndGet();
                try (exchange) {
                    String path = exchange.getRequestURI().getPath();
                    String location = t.redirects.get(path);
                    if (location != null) {
                        exchange.getResponseHeaders().add("Location", location);
                        exchange.sendResponseHeaders(302, -1);
                        return;
                    }
                    byte[] body = t.files.get(path);
                    if (body == null) {
                        exchange.sendResponseHeaders(404, -1);
                        return;
                    }
                    exchange.sendResponseHeaders(200, body.length == 0 ? -1 : body.length);
                    try (OutputStream out = exchange.getResponseBody()) {
                        out.write(body);
                    }
                }
            });
            server.setExecutor(t.executor);
            server.start();
            return t;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Serves {@code content} at {@code path} (replacing what was there). */
    public void put(String path, byte[] content) {
        files.put(path, content.clone());
    }

    public void put(String path, String content) {
        put(path, content.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    public void remove(String path) {
        files.remove(path);
    }

    /** Answers {@code path} with a 302 to {@code location}. */
    public void redirect(String path, String location) {
        redirects.put(path, location);
    }

    /** The URL of {@code path} ({@code /data.txt}). */
    public String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    /** Requests answered so far. */
    public int requests() {
        return requests.get();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.close();
    }
}
