package dev.berth.daemon.server;

import dev.berth.daemon.EngineException;
import dev.berth.daemon.engine.ContainerIo;
import dev.berth.daemon.engine.Engine;
import dev.berth.runtime.logs.LogLine;
import dev.berth.runtime.logs.LogQuery;
import dev.berth.runtime.logs.LogTimes;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;

/**
 * Streaming responses in Docker's raw-stream format for containers without a terminal: each chunk is framed by an
 * 8-byte header, the stream (1 stdout, 2 stderr), three zero bytes, and the payload's length (big-endian).
 */
final class Streams {
    static final String MEDIA_TYPE = "application/vnd.docker.multiplexed-stream";
    final ContainerIo io;

    Streams(Engine engine) {
        this.io = new ContainerIo(engine);
    }

    void logs(String id, Fields query, Response response, Callback callback) throws IOException {
        boolean stdout = ApiHandler.flag(query, "stdout");
        boolean stderr = ApiHandler.flag(query, "stderr");
        if (!stdout && !stderr) {
            throw new EngineException(EngineException.Kind.INVALID, "Bad parameters: you must choose at least one stream");
        }
        boolean timestamps = ApiHandler.flag(query, "timestamps");
        Instant now = Instant.now();
        String tailText = query.getValue("tail");
        int tail = tailText == null || tailText.isEmpty() || tailText.equals("all") ? -1 : parseTail(tailText);
        LogQuery q = new LogQuery(tail, time(query.getValue("since"), now), time(query.getValue("until"), now));
        io.resolve(id);
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, MEDIA_TYPE);
        OutputStream out = Content.Sink.asOutputStream(response);
        boolean follow = ApiHandler.flag(query, "follow");
        try {
            io.logs(id, q, follow, line -> {
                if (line.stream() == LogLine.Stream.STDOUT ? !stdout : !stderr) {
                    return;
                }
                byte[] payload = line.content();
                if (timestamps) {
                    byte[] stamp = (DateTimeFormatter.ISO_INSTANT.format(line.time()) + " ").getBytes(StandardCharsets.US_ASCII);
                    byte[] joined = new byte[stamp.length + payload.length];
                    System.arraycopy(stamp, 0, joined, 0, stamp.length);
                    System.arraycopy(payload, 0, joined, stamp.length, payload.length);
                    payload = joined;
                }
                send(out, line.stream(), payload, follow);
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        out.close();
        callback.succeeded();
    }

    void attach(String id, Response response, Callback callback) throws IOException {
        io.resolve(id);
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, MEDIA_TYPE);
        OutputStream out = Content.Sink.asOutputStream(response);
        try {
            io.attach(id, line -> send(out, line.stream(), line.content(), true), () -> {
                try {
                    out.flush(); // headers now: the client starts the container only after it is attached
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        out.close();
        callback.succeeded();
    }

    void startExec(String execId, Response response, Callback callback) throws IOException {
        io.exec(execId);
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, MEDIA_TYPE);
        OutputStream out = Content.Sink.asOutputStream(response);
        out.flush();
        io.startExec(execId, new FramingStream(out, 1), new FramingStream(out, 2));
        out.close();
        callback.succeeded();
    }

    private static Instant time(String value, Instant now) {
        if (value == null || value.isEmpty() || value.equals("0")) {
            return null; // Docker's clients send since=0 for "from the start"
        }
        try {
            return LogTimes.parse(value, now);
        } catch (dev.berth.runtime.ContainerException e) {
            throw new EngineException(EngineException.Kind.INVALID, e.getMessage());
        }
    }

    /** One frame of a log line; a client gone away surfaces as UncheckedIOException out of the log reader. */
    private static void send(OutputStream out, LogLine.Stream stream, byte[] payload, boolean flush) {
        try {
            frame(out, stream == LogLine.Stream.STDOUT ? 1 : 2, payload, 0, payload.length);
            if (flush) {
                out.flush();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int parseTail(String text) {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new EngineException(EngineException.Kind.INVALID, "invalid tail '" + text + "': give a number or all");
        }
    }

    static void frame(OutputStream out, int stream, byte[] b, int off, int len) throws IOException {
        byte[] header = {(byte) stream, 0, 0, 0, (byte) (len >>> 24), (byte) (len >>> 16), (byte) (len >>> 8), (byte) len};
        synchronized (out) {
            out.write(header);
            out.write(b, off, len);
        }
    }

    /** An output stream whose every write becomes one frame of the given stream. */
    private static final class FramingStream extends OutputStream {
        private final OutputStream out;
        private final int stream;

        FramingStream(OutputStream out, int stream) {
            this.out = out;
            this.stream = stream;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (len > 0) {
                frame(out, stream, b, off, len);
            }
        }

        @Override
        public void flush() throws IOException {
            synchronized (out) {
                out.flush();
            }
        }
    }
}
