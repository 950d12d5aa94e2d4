package dev.berth.registry.client;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An HTTP reverse proxy on 127.0.0.1 in front of a real registry, for pulls: counts the blob bytes it serves, records
 * the Range headers asked for, and on demand cuts blob responses short or drops Range (a server that ignores it).
 */
final class MeteredProxy implements AutoCloseable {
    private static final List<String> REQUEST_HEADERS = List.of("Accept", "Authorization", "Range");
    private static final List<String> RESPONSE_HEADERS = List.of("Content-Type", "Content-Range", "Docker-Content-Digest",
            "WWW-Authenticate", "Link", "Location", "Docker-Distribution-Api-Version");

    private final URI upstream;
    private final HttpServer server;
    private final HttpClient client = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    final AtomicLong blobBytesServed = new AtomicLong();
    final List<String> rangesAsked = new CopyOnWriteArrayList<>();
    /** When positive: every blob response is cut after this many body bytes. */
    volatile long cutBlobsAfter;
    /** Forward no Range header, so the registry answers 200 with the whole blob. */
    volatile boolean ignoreRange;

    MeteredProxy(URI upstream) throws IOException {
        this.upstream = upstream;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", this::forward);
        server.start();
    }

    String domain() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    private void forward(HttpExchange ex) throws IOException {
        try (ex) {
            boolean blob = ex.getRequestURI().getPath().contains("/blobs/");
            HttpRequest.Builder request = HttpRequest.newBuilder(upstream.resolve(ex.getRequestURI().toString()))
                    .method(ex.getRequestMethod(), HttpRequest.BodyPublishers.noBody());
            for (String name : REQUEST_HEADERS) {
                String value = ex.getRequestHeaders().getFirst(name);
                if (value == null) {
                    continue;
                }
                if (name.equals("Range")) {
                    rangesAsked.add(value);
                    if (ignoreRange) {
                        continue;
                    }
                }
                request.header(name, value);
            }
            HttpResponse<InputStream> response;
            try {
                response = client.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
            for (String name : RESPONSE_HEADERS) {
                response.headers().allValues(name).forEach(v -> ex.getResponseHeaders().add(name, v));
            }
            long length = response.headers().firstValueAsLong("Content-Length").orElse(-1);
            boolean head = ex.getRequestMethod().equals("HEAD");
            ex.sendResponseHeaders(response.statusCode(), head || length == 0 ? -1 : length < 0 ? 0 : length);
            long cut = blob && response.statusCode() / 100 == 2 ? cutBlobsAfter : 0;
            try (InputStream in = response.body(); OutputStream out = ex.getResponseBody()) {
                byte[] buffer = new byte[1 << 16];
                long sent = 0;
                for (int n; (n = in.read(buffer)) > 0; ) {
                    if (cut > 0 && sent + n > cut) {
                        n = (int) (cut - sent);
                        out.write(buffer, 0, n);
                        out.flush();
                        count(blob, n);
                        throw new IOException("cut on purpose after " + cut + " bytes");
                    }
                    out.write(buffer, 0, n);
                    sent += n;
                    count(blob, n);
                }
            }
        }
    }

    private void count(boolean blob, long n) {
        if (blob) {
            blobBytesServed.addAndGet(n);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        client.close();
    }
}
