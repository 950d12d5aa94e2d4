package dev.berth.daemon.server;

import dev.berth.daemon.EngineException;
import dev.berth.daemon.EngineException.Kind;
import dev.berth.daemon.api.CreateRequest;
import dev.berth.daemon.api.ErrorResponse;
import dev.berth.daemon.api.ExecRequest;
import dev.berth.daemon.deploy.DeploymentRoutes;
import dev.berth.daemon.deploy.Deployments;
import dev.berth.daemon.engine.Engine;
import dev.berth.oci.OciException;
import dev.berth.oci.json.Json;
import dev.berth.runtime.ContainerException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import tools.jackson.core.JacksonException;
import tools.jackson.core.type.TypeReference;

/**
 * Routes the engine API. Paths and parameters follow Docker's Engine API ({@code /containers/create},
 * {@code /containers/{id}/start}, {@code /containers/{id}/logs?follow=1}, …); errors are {@code {"message": …}} with
 * Docker's status codes. Handlers block (each request has its own virtual thread) and write streams as they go.
 */
final class ApiHandler extends Handler.Abstract {
    private static final System.Logger LOG = System.getLogger(ApiHandler.class.getName());
    private static final int MAX_BODY = 4 * 1024 * 1024;

    private final Engine engine;
    private final Streams streams;
    private final DeploymentRoutes deployments;

    ApiHandler(Engine engine, Deployments deployments) {
        this.engine = engine;
        this.streams = new Streams(engine);
        this.deployments = new DeploymentRoutes(deployments);
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        try {
            route(request, response, callback);
        } catch (EngineException e) {
            error(response, callback, e.kind().httpStatus, e.getMessage(), e.exitCode());
        } catch (ContainerException | OciException e) {
            error(response, callback, 500, e.getMessage(), 125);
        } catch (JacksonException e) {
            error(response, callback, 400, "invalid JSON in the request body: " + e.getOriginalMessage(), 125);
        } catch (IOException e) {
            // the client went away mid-stream: nothing to answer
            callback.failed(e);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "request " + request.getHttpURI().getPathQuery() + " failed", e);
            error(response, callback, 500, "internal error: " + e, 125);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            callback.failed(e);
        }
        return true;
    }

    private void route(Request request, Response response, Callback callback) throws IOException, InterruptedException {
        String method = request.getMethod();
        String path = request.getHttpURI().getDecodedPath();
        // Docker clients prefix a version (/v1.43/containers/json): accept and ignore it
        if (path.startsWith("/v1.")) {
            int slash = path.indexOf('/', 1);
            path = slash < 0 ? "/" : path.substring(slash);
        }
        Fields query = Request.extractQueryParameters(request);
        String[] p = path.substring(1).split("/");
        switch (method + " " + p[0]) {
            case "GET _ping", "HEAD _ping" -> text(response, callback, 200, "OK");
            case "GET version" -> json(response, callback, 200, Map.of("Version", Version.berth(), "ApiVersion", "1.43",
                    "Os", "linux", "Arch", System.getProperty("os.arch"), "Pid", ProcessHandle.current().pid()));
            case "GET containers", "POST containers", "DELETE containers", "PUT containers", "HEAD containers" ->
                    containers(method, p, query, request, response, callback);
            case "POST exec", "GET exec" -> exec(method, p, request, response, callback);
            case "GET deployments", "POST deployments", "DELETE deployments" -> deployments.handle(method, p, request, response, callback);
            default -> error(response, callback, 404, "page not found: " + method + " " + path, 125);
        }
    }

    private void containers(String method, String[] p, Fields query, Request request, Response response, Callback callback)
            throws IOException, InterruptedException {
        if (p.length == 2) {
            switch (method + " " + p[1]) {
                case "POST create" -> {
                    CreateRequest body = body(request, CreateRequest.class);
                    String id = engine.create(body, query.getValue("name"));
                    json(response, callback, 201, Map.of("Id", id, "Warnings", List.of()));
                }
                case "GET json" -> json(response, callback, 200, engine.list(flag(query, "all"), filters(query.getValue("filters"))));
                case "POST prune" -> json(response, callback, 200, Map.of("ContainersDeleted", engine.prune(), "SpaceReclaimed", 0));
                default -> {
                    if (method.equals("DELETE")) {
                        engine.remove(p[1], flag(query, "force"));
                        empty(response, callback, 204);
                    } else {
                        error(response, callback, 404, "page not found: " + method + " /containers/" + p[1], 125);
                    }
                }
            }
            return;
        }
        if (p.length != 3) {
            error(response, callback, 404, "page not found", 125);
            return;
        }
        String id = p[1];
        switch (method + " " + p[2]) {
            case "GET json" -> json(response, callback, 200, engine.inspect(id));
            case "POST start" -> empty(response, callback, engine.start(id) ? 204 : 304);
            case "POST stop" -> empty(response, callback, engine.stop(id, intOrNull(query.getValue("t"))) ? 204 : 304);
            case "POST restart" -> {
                engine.restart(id, intOrNull(query.getValue("t")));
                empty(response, callback, 204);
            }
            case "POST kill" -> {
                engine.kill(id, query.getValue("signal"));
                empty(response, callback, 204);
            }
            case "POST wait" -> {
                // headers first, so the client knows the wait is registered before it starts the container
                var exit = engine.waitFor(id, query.getValue("condition"));
                response.setStatus(200);
                response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
                OutputStream out = Content.Sink.asOutputStream(response);
                out.flush();
                int code;
                try {
                    code = exit.get();
                } catch (ExecutionException e) {
                    code = 255;
                }
                out.write(Json.canonicalBytes(Map.of("StatusCode", code)));
                out.close();
                callback.succeeded();
            }
            case "GET logs" -> streams.logs(id, query, response, callback);
            case "POST attach" -> streams.attach(id, response, callback);
            case "HEAD archive" -> {
                // Docker's form: the path's details in a header, base64 JSON
                Map<String, Object> stat = streams.io.statPath(id, query.getValue("path"));
                response.setStatus(Boolean.TRUE.equals(stat.get("exists")) ? 200 : 404);
                response.getHeaders().put("X-Docker-Container-Path-Stat",
                        java.util.Base64.getEncoder().encodeToString(Json.canonicalBytes(stat)));
                response.write(true, null, callback);
            }
            case "GET archive" -> {
                if (flag(query, "stat")) {
                    json(response, callback, 200, streams.io.statPath(id, query.getValue("path")));
                    return;
                }
                streams.io.statPath(id, query.getValue("path")); // a 404 before the stream starts
                response.setStatus(200);
                response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/x-tar");
                OutputStream out = Content.Sink.asOutputStream(response);
                streams.io.readArchive(id, query.getValue("path"), out);
                out.close();
                callback.succeeded();
            }
            case "PUT archive" -> {
                streams.io.writeArchive(id, query.getValue("path"), Content.Source.asInputStream(request));
                empty(response, callback, 200);
            }
            case "GET stats" -> json(response, callback, 200, streams.io.stats(id));
            case "GET top" -> json(response, callback, 200, streams.io.top(id));
            case "POST exec" -> {
                ExecRequest body = body(request, ExecRequest.class);
                json(response, callback, 201, Map.of("Id", streams.io.createExec(id, body)));
            }
            default -> error(response, callback, 404, "page not found: " + method + " /containers/" + id + "/" + p[2], 125);
        }
    }

    private void exec(String method, String[] p, Request request, Response response, Callback callback) throws IOException {
        if (p.length != 3) {
            error(response, callback, 404, "page not found", 125);
            return;
        }
        switch (method + " " + p[2]) {
            case "POST start" -> streams.startExec(p[1], response, callback);
            case "GET json" -> json(response, callback, 200, streams.io.exec(p[1]).view(p[1]));
            default -> error(response, callback, 404, "page not found", 125);
        }
    }

    // ---- helpers

    private static <T> T body(Request request, Class<T> type) throws IOException {
        long length = request.getLength();
        if (length > MAX_BODY) {
            throw new EngineException(Kind.INVALID, "request body too large");
        }
        byte[] bytes = Content.Source.asInputStream(request).readNBytes(MAX_BODY + 1);
        if (bytes.length > MAX_BODY) {
            throw new EngineException(Kind.INVALID, "request body too large");
        }
        if (bytes.length == 0) {
            throw new EngineException(Kind.INVALID, "a JSON request body is required");
        }
        return Json.mapper().readValue(bytes, type);
    }

    static boolean flag(Fields query, String name) {
        String v = query.getValue(name);
        return v != null && (v.equals("1") || v.equalsIgnoreCase("true"));
    }

    private static Integer intOrNull(String v) {
        if (v == null || v.isEmpty()) {
            return null;
        }
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new EngineException(Kind.INVALID, "invalid number '" + v + "'");
        }
    }

    private static Map<String, List<String>> filters(String json) {
        if (json == null || json.isEmpty()) {
            return Map.of();
        }
        Map<String, Object> raw = Json.mapper().readValue(json, new TypeReference<LinkedHashMap<String, Object>>() { });
        Map<String, List<String>> out = new LinkedHashMap<>();
        raw.forEach((k, v) -> {
            if (v instanceof List<?> list) {
                out.put(k, list.stream().map(String::valueOf).toList());
            } else if (v instanceof Map<?, ?> map) {
                out.put(k, map.keySet().stream().map(String::valueOf).toList()); // Docker's {"key": {"value": true}} form
            } else {
                out.put(k, List.of(String.valueOf(v)));
            }
        });
        return out;
    }

    static void json(Response response, Callback callback, int status, Object body) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.write(true, ByteBuffer.wrap(Json.canonicalBytes(body)), callback);
    }

    private static void text(Response response, Callback callback, int status, String body) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
        response.write(true, ByteBuffer.wrap(body.getBytes(StandardCharsets.UTF_8)), callback);
    }

    private static void empty(Response response, Callback callback, int status) {
        response.setStatus(status);
        response.write(true, null, callback);
    }

    /** Docker's error body, plus the exit code the CLI should end with (Berth's own field). */
    static void error(Response response, Callback callback, int status, String message, int exitCode) {
        if (response.isCommitted()) {
            callback.failed(new IOException(message));
            return;
        }
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.getHeaders().put("Berth-Exit-Code", Integer.toString(exitCode));
        response.write(true, ByteBuffer.wrap(Json.canonicalBytes(new ErrorResponse(message))), callback);
    }
}
