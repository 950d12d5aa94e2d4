package dev.berth.model.server;

import dev.berth.model.ModelException;
import dev.berth.model.metrics.ServerMetrics;
import dev.berth.model.oip.InferRequest;
import dev.berth.model.oip.InferRequestParser;
import dev.berth.model.oip.JsonBuffer;
import dev.berth.model.oip.ProtocolJson;
import dev.berth.model.onnx.Tensor;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Semaphore;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.PreEncodedHttpField;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The Open Inference Protocol's REST endpoints, plus {@code /metrics} and {@code /v2/openapi.json}, as one Jetty
 * handler: the path is taken apart by hand (no pattern matching per request), fixed answers are encoded once, and
 * every failure becomes a status and {@code {"error": …}}.
 *
 * <p>Statuses: 400 for a request that does not fit the protocol or the model, 404 for an unknown path, model or
 * version, 405 for a wrong method, 413 for a body over the limit, 503 (with Retry-After) when the server handles its
 * maximum of inference requests already, or is stopping.
 */
final class InferenceHandler extends Handler.Abstract {
    private static final HttpField JSON = new PreEncodedHttpField(HttpHeader.CONTENT_TYPE, "application/json");
    private static final HttpField RETRY_AFTER = new PreEncodedHttpField(HttpHeader.RETRY_AFTER, "1");
    private static final HttpField ALLOW_GET = new PreEncodedHttpField(HttpHeader.ALLOW, "GET, HEAD");
    private static final HttpField ALLOW_POST = new PreEncodedHttpField(HttpHeader.ALLOW, "POST");
    private static final String MODELS = "/v2/models/";
    private static final int BODY_BUFFER_RETAINED = 1 << 20;
    private static final ThreadLocal<byte[][]> BODY = ThreadLocal.withInitial(() -> new byte[][] {new byte[16 * 1024]});

    private final ServerMetrics metrics;
    private final EventLog log;
    private final ServerOptions options;
    private final Semaphore permits;
    private final byte[] serverMetadata;
    private final byte[] openApi;
    /** The models and their fixed answers; null while they load (the server listens meanwhile, and is not ready). */
    private volatile Loaded loaded;
    private volatile boolean stopping;

    private record Loaded(ModelTable table, Map<ServedModel, byte[]> metadata, Map<ServedModel, byte[]> ready) {
    }

    InferenceHandler(ServerMetrics metrics, EventLog log, ServerOptions options, String serverVersion, byte[] openApi) {
        this.metrics = metrics;
        this.log = log;
        this.options = options;
        this.permits = new Semaphore(options.maxConcurrency());
        this.openApi = openApi;
        Map<String, Object> server = new LinkedHashMap<>();
        server.put("name", "berth-model-server");
        server.put("version", serverVersion);
        server.put("extensions", java.util.List.of());
        this.serverMetadata = ProtocolJson.object(server);
    }

    /** Starts serving the loaded models: readiness turns 200, model endpoints answer. */
    void serve(ModelTable models) {
        Map<ServedModel, byte[]> modelMetadata = new IdentityHashMap<>();
        Map<ServedModel, byte[]> modelReady = new IdentityHashMap<>();
        for (ServedModel m : models.all()) {
            Map<String, Object> batching = new LinkedHashMap<>();
            batching.put("enabled", m.batching());
            if (m.config().batching() != null) {
                batching.put("max_size", m.config().batching().maxSize());
                batching.put("max_delay_us", m.config().batching().maxDelayMicros());
            }
            if (!m.batching()) {
                batching.put("reason", m.batchingOff());
            }
            Map<String, Object> parameters = new LinkedHashMap<>();
            parameters.put("batching", batching);
            if (!m.signature().notes().isEmpty()) {
                parameters.put("notes", m.signature().notes());
            }
            java.util.List<String> versions = m.version().isEmpty() ? java.util.List.of() : java.util.List.of(m.version());
            modelMetadata.put(m, ProtocolJson.modelMetadata(m.name(), versions, m.signature().inputs(), m.signature().outputs(), parameters));
            Map<String, Object> ready = new LinkedHashMap<>();
            ready.put("name", m.name());
            if (!m.version().isEmpty()) {
                ready.put("version", m.version());
            }
            ready.put("ready", true);
            modelReady.put(m, ProtocolJson.object(ready));
        }
        loaded = new Loaded(models, modelMetadata, modelReady);
    }

    /** From now on readiness answers 503, so load balancers stop sending; requests still in flight finish. */
    void stopping() {
        stopping = true;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        String path = request.getHttpURI().getPath();
        String method = request.getMethod();
        long start = System.nanoTime();
        try {
            if (path.startsWith(MODELS)) {
                return model(request, response, callback, path, method, start);
            }
            switch (path) {
                case "/v2" -> get(request, response, callback, "server_metadata", serverMetadata);
                case "/v2/health/live" -> get(request, response, callback, "health_live", Fixed.LIVE);
                case "/v2/health/ready" -> {
                    if (stopping || loaded == null) {
                        send(response, callback, "health_ready", 503, Fixed.NOT_READY);
                    } else {
                        get(request, response, callback, "health_ready", Fixed.READY);
                    }
                }
                case "/v2/openapi.json" -> get(request, response, callback, "openapi", openApi);
                case "/metrics" -> metrics(request, response, callback);
                default -> error(response, callback, "not_found", 404, "no such endpoint: " + method + " " + path);
            }
        } catch (RuntimeException e) {
            internalError(response, callback, path, e);
        }
        return true;
    }

    private boolean model(Request request, Response response, Callback callback, String path, String method, long start) {
        // NAME | NAME/ready | NAME/infer | NAME/versions/V | NAME/versions/V/ready | NAME/versions/V/infer
        String rest = path.substring(MODELS.length());
        String[] parts = rest.split("/", -1);
        String name = parts[0];
        String version = null;
        int next = 1;
        if (parts.length >= 3 && parts[1].equals("versions")) {
            version = parts[2];
            next = 3;
        }
        String action = parts.length == next ? "" : parts.length == next + 1 ? parts[next] : null;
        if (name.isEmpty() || action == null || !(action.isEmpty() || action.equals("ready") || action.equals("infer"))) {
            error(response, callback, "not_found", 404, "no such endpoint: " + method + " " + path);
            return true;
        }
        String endpoint = action.isEmpty() ? "model_metadata" : action.equals("ready") ? "model_ready" : "infer";
        Loaded loaded = this.loaded;
        if (loaded == null) {
            response.getHeaders().put(RETRY_AFTER);
            error(response, callback, endpoint, 503, "the models are still loading; retry later");
            return true;
        }
        ModelTable models = loaded.table();
        ServedModel model = models.find(name, version);
        if (model == null) {
            String message = !models.hasName(name) ? "model '" + name + "' is not served here"
                    : version == null ? "model '" + name + "' has no default version"
                    : "model '" + name + "' has no version '" + version + "'; it has " + models.versions(name);
            error(response, callback, endpoint, 404, message);
            return true;
        }
        switch (action) {
            case "" -> get(request, response, callback, endpoint, loaded.metadata().get(model));
            case "ready" -> {
                if (stopping) {
                    send(response, callback, endpoint, 503, Fixed.NOT_READY);
                } else {
                    get(request, response, callback, endpoint, loaded.ready().get(model));
                }
            }
            default -> infer(request, response, callback, method, model, start);
        }
        return true;
    }

    private void get(Request request, Response response, Callback callback, String endpoint, byte[] body) {
        String method = request.getMethod();
        if (method.equals("GET")) {
            send(response, callback, endpoint, 200, body);
        } else if (method.equals("HEAD")) {
            metrics.http(endpoint, 200);
            response.setStatus(200);
            response.getHeaders().put(JSON);
            response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
            response.write(true, null, callback);
        } else {
            response.getHeaders().put(ALLOW_GET);
            error(response, callback, endpoint, 405, method + " is not allowed here; use GET");
        }
    }

    private void infer(Request request, Response response, Callback callback, String method, ServedModel model, long start) {
        if (!method.equals("POST")) {
            response.getHeaders().put(ALLOW_POST);
            inferError(response, callback, model, start, 405, method + " is not allowed here; use POST");
            return;
        }
        if (!permits.tryAcquire()) {
            response.getHeaders().put(RETRY_AFTER);
            inferError(response, callback, model, start, 503, "the server is handling its maximum of " + options.maxConcurrency()
                    + " inference requests; retry later");
            return;
        }
        metrics.inFlight(1);
        try {
            long declared = request.getLength();
            if (declared > options.maxBodyBytes()) {
                inferError(response, callback, model, start, 413, tooLarge());
                return;
            }
            byte[][] holder = BODY.get();
            int length = readBody(request, holder, declared);
            if (length < 0) {
                inferError(response, callback, model, start, 413, tooLarge());
                return;
            }
            InferRequest parsed;
            try {
                parsed = InferRequestParser.parse(holder[0], length);
            } finally {
                if (holder[0].length > BODY_BUFFER_RETAINED) {
                    // one large request should not pin a large buffer to this thread for ever
                    holder[0] = new byte[16 * 1024];
                }
            }
            Tensor[] outputs = model.infer(parsed);
            byte[] answer = ProtocolJson.inferResponse(model.name(), model.version(), parsed.id(), outputs);
            model.metrics().request(200, System.nanoTime() - start);
            metrics.http("infer", 200);
            write(response, callback, 200, answer);
            if (options.accessLog()) {
                log.info("request", "path", request.getHttpURI().getPath(), "status", 200, "micros", (System.nanoTime() - start) / 1000);
            }
        } catch (ModelException e) {
            inferError(response, callback, model, start, 400, e.getMessage());
        } catch (IOException e) {
            inferError(response, callback, model, start, 400, "cannot read the request body: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            inferError(response, callback, model, start, 503, "the server is stopping");
        } finally {
            metrics.inFlight(-1);
            permits.release();
        }
    }

    private String tooLarge() {
        return "the request body is larger than the server's limit of " + options.maxBodyBytes() + " bytes";
    }

    /** Reads the body into the thread's buffer (growing it); returns its length, or -1 when it passes the limit. */
    private int readBody(Request request, byte[][] holder, long declared) throws IOException {
        long limit = options.maxBodyBytes();
        byte[] buf = holder[0];
        if (declared >= buf.length) {
            // one byte more than declared, so the end of the body is seen without growing the buffer
            buf = holder[0] = new byte[(int) declared + 1];
        }
        int length = 0;
        try (InputStream in = Content.Source.asInputStream(request)) {
            while (true) {
                if (length == buf.length) {
                    if (length >= limit) {
                        // one more byte would pass the limit: see whether there is one
                        if (in.read() < 0) {
                            return length;
                        }
                        return -1;
                    }
                    buf = holder[0] = Arrays.copyOf(buf, (int) Math.min(limit, buf.length * 2L));
                }
                int n = in.read(buf, length, buf.length - length);
                if (n < 0) {
                    return length;
                }
                length += n;
            }
        }
    }

    private void inferError(Response response, Callback callback, ServedModel model, long start, int status, String message) {
        model.metrics().request(status, System.nanoTime() - start);
        error(response, callback, "infer", status, message);
        if (options.accessLog()) {
            log.info("request", "model", model.name(), "status", status, "error", message, "micros", (System.nanoTime() - start) / 1000);
        }
    }

    private void metrics(Request request, Response response, Callback callback) {
        if (!request.getMethod().equals("GET")) {
            response.getHeaders().put(ALLOW_GET);
            error(response, callback, "metrics", 405, request.getMethod() + " is not allowed here; use GET");
            return;
        }
        metrics.http("metrics", 200);
        JsonBuffer out = JsonBuffer.forThisThread();
        try {
            metrics.writeTo(out);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, metrics.contentType());
        response.write(true, ByteBuffer.wrap(out.toByteArray()), callback);
    }

    private void error(Response response, Callback callback, String endpoint, int status, String message) {
        send(response, callback, endpoint, status, ProtocolJson.error(message));
    }

    private void send(Response response, Callback callback, String endpoint, int status, byte[] body) {
        metrics.http(endpoint, status);
        write(response, callback, status, body);
    }

    private static void write(Response response, Callback callback, int status, byte[] body) {
        response.setStatus(status);
        response.getHeaders().put(JSON);
        response.write(true, ByteBuffer.wrap(body), callback);
    }

    /** A fault of the server's own: answered 500 with the error shape, and logged, since it is a bug to fix. */
    private void internalError(Response response, Callback callback, String path, RuntimeException e) {
        log.error("internal_error", "path", path, "exception", e.toString(),
                "at", e.getStackTrace().length > 0 ? e.getStackTrace()[0].toString() : "");
        if (!response.isCommitted()) {
            response.reset();
            error(response, callback, "error", 500, "internal error: " + e);
        } else {
            callback.failed(e);
        }
    }

    /** Answers that never change. */
    private static final class Fixed {
        static final byte[] LIVE = "{\"live\":true}".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        static final byte[] READY = "{\"ready\":true}".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        static final byte[] NOT_READY = "{\"ready\":false}".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }
}
