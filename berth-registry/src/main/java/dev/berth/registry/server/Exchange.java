package dev.berth.registry.server;

import dev.berth.registry.storage.DistributionException;
import dev.berth.registry.storage.ErrorCode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Blocker;
import org.eclipse.jetty.util.Fields;

/**
 * One request and its response, in the blocking style virtual threads allow: read headers and query, stream the body
 * in, write a body out. Every send sets Content-Length; HEAD requests get the headers only.
 */
final class Exchange {
    private final Request request;
    private final Response response;
    private Fields query;

    Exchange(Request request, Response response) {
        this.request = request;
        this.response = response;
    }

    String method() {
        return request.getMethod();
    }

    boolean isHead() {
        return "HEAD".equals(request.getMethod());
    }

    String path() {
        return request.getHttpURI().getDecodedPath();
    }

    String header(String name) {
        return request.getHeaders().get(name);
    }

    String query(String name) {
        if (query == null) {
            query = Request.extractQueryParameters(request);
        }
        return query.getValue(name);
    }

    /** A non-negative integer query parameter, or null when absent. */
    Integer queryCount(String name) {
        String value = query(name);
        if (value == null) {
            return null;
        }
        try {
            int count = Integer.parseInt(value);
            if (count >= 0) {
                return count;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new DistributionException(ErrorCode.PAGINATION_NUMBER_INVALID, "'" + name + "' must be a non-negative integer, not '" + value + "'");
    }

    /** The declared body length, or null when the body is chunked. */
    Long contentLength() {
        long length = request.getLength();
        return length < 0 ? null : length;
    }

    InputStream body() {
        return Content.Source.asInputStream(request);
    }

    boolean committed() {
        return response.isCommitted();
    }

    void header(String name, String value) {
        response.getHeaders().put(name, value);
    }

    void send(int status) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, 0L);
    }

    void send(int status, String contentType, byte[] body) throws IOException {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        if (!isHead()) {
            try (OutputStream out = Content.Sink.asOutputStream(response)) {
                out.write(body);
            }
        }
    }

    /**
     * For an error answered before the request body was read: ask for the connection to close. Otherwise a client that
     * is still sending the body may reuse a connection the server is about to drop, and its next request fails.
     */
    void closeConnectionIfBodyPending() {
        boolean hasBody = request.getLength() > 0 || request.getHeaders().contains(HttpHeader.TRANSFER_ENCODING);
        if (hasBody && !response.isCommitted()) {
            response.getHeaders().put(HttpHeader.CONNECTION, "close");
        }
    }

    /** How much of a blob is mapped at a time: large writes, bounded address space per request. */
    private static final long WINDOW = 16L << 20;

    /**
     * Sends part of a file without copying it through the heap: the file is memory-mapped a window at a time and each
     * mapped buffer is handed to Jetty, which writes it to the socket straight from the page cache. Nothing of the
     * blob is held in the heap, so a 4 GiB layer streams through a small heap.
     */
    void sendFile(int status, String contentType, Path file, long offset, long length) throws IOException {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, length);
        if (isHead()) {
            return;
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            if (channel.size() < offset + length) {
                throw new IOException("the blob has " + channel.size() + " bytes, fewer than the " + (offset + length) + " to send");
            }
            long sent = 0;
            do {
                long size = Math.min(WINDOW, length - sent);
                java.nio.ByteBuffer window = channel.map(FileChannel.MapMode.READ_ONLY, offset + sent, size);
                sent += size;
                try (Blocker.Callback written = Blocker.callback()) {
                    response.write(sent == length, window, written);
                    written.block();
                }
            } while (sent < length);
        }
    }
}
