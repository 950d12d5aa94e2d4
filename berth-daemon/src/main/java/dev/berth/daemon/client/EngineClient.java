package dev.berth.daemon.client;

import dev.berth.daemon.EngineException;
import dev.berth.daemon.EngineException.Kind;
import dev.berth.oci.json.Json;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The CLI's side of the engine API: HTTP/1.1 over the daemon's Unix socket, one connection per request (connecting
 * to a local socket costs microseconds). Written on plain sockets because the JDK's HttpClient cannot use Unix
 * sockets, and small on purpose: it is on the start path of every container command.
 */
public final class EngineClient {
    private final Path socket;

    public EngineClient(Path socket) {
        this.socket = socket;
    }

    public Path socket() {
        return socket;
    }

    /** A response whose body is read as a stream (logs, exec, wait); close it when done. */
    public static final class Response implements AutoCloseable {
        public final int status;
        public final Map<String, String> headers;
        public final InputStream body;
        private final SocketChannel channel;

        Response(int status, Map<String, String> headers, InputStream body, SocketChannel channel) {
            this.status = status;
            this.headers = headers;
            this.body = body;
            this.channel = channel;
        }

        public byte[] readAll() throws IOException {
            return body.readAllBytes();
        }

        @Override
        public void close() {
            try {
                channel.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }

    /** A body that is JSON text already (written without Jackson, on the start path of `berth run`). */
    public record RawJson(String text) {
    }

    /** Whether a daemon answers on the socket. */
    public boolean ping() {
        try (Response r = send("GET", "/_ping", null)) {
            return r.status == 200;
        } catch (IOException e) {
            return false;
        }
    }

    /** Sends a request; the JSON body (if any) is serialized with the project's mapper. */
    public Response send(String method, String pathAndQuery, Object jsonBody) throws IOException {
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            channel.connect(UnixDomainSocketAddress.of(socket));
            byte[] body = jsonBody == null ? new byte[0]
                    : jsonBody instanceof RawJson raw ? raw.text().getBytes(StandardCharsets.UTF_8) : Json.canonicalBytes(jsonBody);
            StringBuilder head = new StringBuilder();
            head.append(method).append(' ').append(pathAndQuery).append(" HTTP/1.1\r\nHost: berth\r\nConnection: close\r\n");
            if (jsonBody != null) {
                head.append("Content-Type: application/json\r\n");
            }
            head.append("Content-Length: ").append(body.length).append("\r\n\r\n");
            OutputStream out = Channels.newOutputStream(channel);
            out.write(head.toString().getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            InputStream in = new BufferedInputStream(Channels.newInputStream(channel), 16 * 1024);
            String statusLine = readLine(in);
            if (statusLine == null || !statusLine.startsWith("HTTP/1.")) {
                throw new IOException("the daemon sent no HTTP response");
            }
            int status = Integer.parseInt(statusLine.split(" ")[1]);
            Map<String, String> headers = new LinkedHashMap<>();
            for (String line = readLine(in); line != null && !line.isEmpty(); line = readLine(in)) {
                int colon = line.indexOf(':');
                if (colon > 0) {
                    headers.put(line.substring(0, colon).strip().toLowerCase(Locale.ROOT), line.substring(colon + 1).strip());
                }
            }
            InputStream bodyStream;
            if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
                bodyStream = new ChunkedInputStream(in);
            } else if (headers.containsKey("content-length")) {
                bodyStream = new LimitedInputStream(in, Long.parseLong(headers.get("content-length")));
            } else if (status == 204 || status == 304) {
                bodyStream = InputStream.nullInputStream();
            } else {
                bodyStream = in;
            }
            return new Response(status, headers, bodyStream, channel);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** A request whose answer is JSON (or nothing); an error status becomes an EngineException with the daemon's message. */
    public <T> T call(String method, String pathAndQuery, Object jsonBody, Class<T> type) {
        try (Response r = send(method, pathAndQuery, jsonBody)) {
            byte[] bytes = r.readAll();
            check(r, bytes);
            if (type == null || type == Void.class || bytes.length == 0) {
                return null;
            }
            return Json.read(bytes, type, "the daemon's answer to " + method + " " + pathAndQuery);
        } catch (IOException e) {
            throw new EngineException("cannot talk to the Berth daemon at " + socket + ": " + e.getMessage(), e);
        }
    }

    /** Throws the daemon's error, with its kind taken from the HTTP status and the exit code header. */
    public static void check(Response r, byte[] body) {
        if (r.status < 400) {
            return;
        }
        String message;
        try {
            message = Json.tree(body, "error").path("message").asString(new String(body, StandardCharsets.UTF_8));
        } catch (RuntimeException e) {
            message = new String(body, StandardCharsets.UTF_8);
        }
        String exit = r.headers.get("berth-exit-code");
        Kind kind = switch (r.status) {
            case 400 -> Kind.INVALID;
            case 404 -> Kind.NOT_FOUND;
            case 409 -> Kind.CONFLICT;
            default -> "127".equals(exit) ? Kind.COMMAND_NOT_FOUND : "126".equals(exit) ? Kind.CANNOT_INVOKE : Kind.FAILED;
        };
        throw new EngineException(kind, message);
    }

    static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(64);
        int b;
        while ((b = in.read()) >= 0) {
            if (b == '\n') {
                break;
            }
            if (b != '\r') {
                line.write(b);
            }
        }
        if (b < 0 && line.size() == 0) {
            return null;
        }
        return line.toString(StandardCharsets.ISO_8859_1);
    }

    private static final class LimitedInputStream extends InputStream {
        private final InputStream in;
        private long remaining;

        LimitedInputStream(InputStream in, long length) {
            this.in = in;
            this.remaining = length;
        }

        @Override
        public int read() throws IOException {
            if (remaining <= 0) {
                return -1;
            }
            int b = in.read();
            if (b >= 0) {
                remaining--;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (remaining <= 0) {
                return -1;
            }
            int n = in.read(b, off, (int) Math.min(len, remaining));
            if (n > 0) {
                remaining -= n;
            }
            return n;
        }
    }

    private static final class ChunkedInputStream extends InputStream {
        private final InputStream in;
        private long chunkLeft;
        private boolean done;

        ChunkedInputStream(InputStream in) {
            this.in = in;
        }

        private boolean ensure() throws IOException {
            if (done) {
                return false;
            }
            if (chunkLeft == 0) {
                String size = readLine(in);
                if (size != null && size.isEmpty()) {
                    size = readLine(in); // the CRLF after the previous chunk
                }
                if (size == null) {
                    done = true;
                    return false;
                }
                int semi = size.indexOf(';');
                chunkLeft = Long.parseLong((semi >= 0 ? size.substring(0, semi) : size).strip(), 16);
                if (chunkLeft == 0) {
                    done = true;
                    return false;
                }
            }
            return true;
        }

        @Override
        public int read() throws IOException {
            if (!ensure()) {
                return -1;
            }
            int b = in.read();
            if (b >= 0) {
                chunkLeft--;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (!ensure()) {
                return -1;
            }
            int n = in.read(b, off, (int) Math.min(len, chunkLeft));
            if (n > 0) {
                chunkLeft -= n;
            }
            return n;
        }
    }
}
