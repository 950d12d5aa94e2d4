package dev.berth.daemon.deploy;

import dev.berth.daemon.EngineException;
import dev.berth.daemon.EngineException.Kind;
import dev.berth.oci.json.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The deployment routes of the engine API:
 * <ul>
 *   <li>{@code GET /deployments}: every deployment ({@link DeploymentStatus} without history);</li>
 *   <li>{@code GET /deployments/NAME}: one, with its history;</li>
 *   <li>{@code POST /deployments} (a {@link DeployRequest}), {@code POST /deployments/NAME/rollback},
 *       {@code DELETE /deployments/NAME}: changes that take a while, answered as a stream of JSON lines:
 *       {@code {"step": …}} as each step happens, then {@code {"deployment": …}} (or {@code {"removed": NAME}}), or
 *       {@code {"error": …}} when it failed after the stream began. A request refused before any step is taken gets
 *       an ordinary error status instead.</li>
 * </ul>
 */
public final class DeploymentRoutes {
    private static final int MAX_BODY = 1024 * 1024;
    private final Deployments deployments;

    public DeploymentRoutes(Deployments deployments) {
        this.deployments = deployments;
    }

    /** Handles {@code METHOD /deployments[/NAME[/ACTION]]}; {@code p} is the path split at '/'. */
    public void handle(String method, String[] p, Request request, Response response, Callback callback)
            throws IOException, InterruptedException {
        String route = method + " " + (p.length == 1 ? "" : p.length == 2 ? "NAME" : p.length == 3 ? "NAME/" + p[2] : "?");
        switch (route) {
            case "GET " -> json(response, callback, deployments.list());
            case "GET NAME" -> json(response, callback, deployments.get(p[1]));
            case "POST " -> {
                DeployRequest body = body(request);
                stream(response, callback, progress -> Map.of("deployment", deployments.deploy(body, progress)));
            }
            case "POST NAME/rollback" -> stream(response, callback, progress -> Map.of("deployment", deployments.rollback(p[1], progress)));
            case "DELETE NAME" -> stream(response, callback, progress -> {
                deployments.remove(p[1], progress);
                return Map.of("removed", p[1]);
            });
            default -> throw new EngineException(Kind.NOT_FOUND, "page not found: " + method + " /" + String.join("/", p));
        }
    }

    /** An operation that reports its steps and ends with the stream's last line. */
    @FunctionalInterface
    private interface Operation {
        Map<String, Object> run(Progress progress) throws InterruptedException;
    }

    private static void stream(Response response, Callback callback, Operation operation) throws IOException, InterruptedException {
        LineStream lines = new LineStream(response);
        Map<String, Object> last;
        try {
            last = operation.run(lines);
        } catch (EngineException e) {
            if (!lines.started()) {
                throw e; // refused before anything happened: an ordinary error status
            }
            Map<String, Object> error = new LinkedHashMap<>();
            error.put("error", e.getMessage());
            error.put("exitCode", e.exitCode());
            last = error;
        }
        lines.write(last);
        lines.close();
        callback.succeeded();
    }

    /** JSON lines, the response's status and headers sent with the first. */
    private static final class LineStream implements Progress {
        private final Response response;
        private OutputStream out;

        LineStream(Response response) {
            this.response = response;
        }

        synchronized boolean started() {
            return out != null;
        }

        @Override
        public void step(String message) {
            try {
                write(Map.of("step", message));
            } catch (IOException e) {
                // the client went away: the operation goes on, its result is in `berth deployments`
            }
        }

        synchronized void write(Map<String, Object> line) throws IOException {
            if (out == null) {
                response.setStatus(200);
                response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/x-ndjson");
                out = Content.Sink.asOutputStream(response);
            }
            out.write(Json.canonicalBytes(line));
            out.write('\n');
            out.flush();
        }

        synchronized void close() throws IOException {
            out.close();
        }
    }

    private static DeployRequest body(Request request) throws IOException {
        byte[] bytes = Content.Source.asInputStream(request).readNBytes(MAX_BODY + 1);
        if (bytes.length > MAX_BODY) {
            throw new EngineException(Kind.INVALID, "request body too large");
        }
        if (bytes.length == 0) {
            throw new EngineException(Kind.INVALID, "a JSON request body is required");
        }
        return Json.mapper().readValue(bytes, DeployRequest.class);
    }

    private static void json(Response response, Callback callback, Object body) {
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.write(true, ByteBuffer.wrap(Json.canonicalBytes(body)), callback);
    }
}
