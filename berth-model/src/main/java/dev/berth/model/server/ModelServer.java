package dev.berth.model.server;

import dev.berth.model.ModelException;
import dev.berth.model.metrics.ServerMetrics;
import dev.berth.model.onnx.OnnxModel;
import dev.berth.model.onnx.TensorSpec;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The model server: loads models into ONNX Runtime and serves them over the Open Inference Protocol's REST API until
 * closed. {@link #close()} stops gracefully: readiness turns 503, queued batches run at once, requests in flight are
 * answered (up to the stop timeout), then the models are unloaded.
 */
public final class ModelServer implements AutoCloseable {
    private final Server jetty;
    private final InferenceHandler handler;
    private final List<ServedModel> models;
    private final EventLog log;
    private final ServerConnector connector;
    private final String host;
    private boolean closed;

    private ModelServer(Server jetty, ServerConnector connector, InferenceHandler handler, List<ServedModel> models, EventLog log, String host) {
        this.jetty = jetty;
        this.connector = connector;
        this.handler = handler;
        this.models = models;
        this.log = log;
        this.host = host;
    }

    /**
     * Loads the models and starts listening.
     *
     * @throws ModelException when a model cannot be loaded, two models share a name and version, or the port is taken
     */
    public static ModelServer start(ServerOptions options, List<ModelSource> sources, EventLog log) {
        if (sources.isEmpty()) {
            throw new ModelException("no model to serve");
        }
        avoidJettyManagementLookups();
        ServerMetrics metrics = new ServerMetrics();
        // Loading the models (and ONNX Runtime's native library) and starting Jetty each take a good part of a cold
        // start and need nothing from each other: do them at once. Until the models are in, readiness answers 503.
        CompletableFuture<List<ServedModel>> loading = new CompletableFuture<>();
        Thread.ofPlatform().name("berth-model-load").daemon().start(() -> {
            try {
                loading.complete(loadAll(sources, options, metrics, log));
            } catch (Throwable e) {
                loading.completeExceptionally(e);
            }
        });
        QueuedThreadPool pool = new QueuedThreadPool(options.effectiveThreads(), Math.min(8, options.effectiveThreads()));
        pool.setName("berth-http");
        Server jetty = new Server(pool);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        ServerConnector connector = new ServerConnector(jetty, new HttpConnectionFactory(http));
        connector.setHost(options.host());
        connector.setPort(options.port());
        connector.setAcceptQueueSize(1024);
        jetty.addConnector(connector);
        InferenceHandler handler = new InferenceHandler(metrics, log, options, version(), openApi());
        jetty.setHandler(new GracefulHandler(handler));
        jetty.setErrorHandler(new JsonErrorHandler());
        jetty.setStopTimeout(options.stopTimeout().toMillis());
        jetty.setStopAtShutdown(false);
        ModelException failure = null;
        try {
            jetty.start();
        } catch (Exception e) {
            Throwable cause = e.getCause() != null && e instanceof RuntimeException ? e.getCause() : e;
            failure = new ModelException("cannot listen on " + options.host() + ":" + options.port() + ": " + cause.getMessage(), e);
        }
        List<ServedModel> served = null;
        try {
            served = loading.join();
            if (failure == null) {
                handler.serve(new ModelTable(served));
            }
        } catch (CompletionException e) {
            if (failure == null) {
                failure = e.getCause() instanceof ModelException m ? m
                        : new ModelException("cannot load the models: " + e.getCause(), e.getCause());
            }
        } catch (ModelException e) {
            failure = e;
        }
        if (failure != null) {
            try {
                jetty.stop();
            } catch (Exception ignored) {
                // the first failure is the news
            }
            if (served != null) {
                served.forEach(ServedModel::close);
            }
            throw failure;
        }
        ModelServer server = new ModelServer(jetty, connector, handler, served, log, options.host());
        log.info("server_started", "url", server.baseUri().toString(), "models", served.size(),
                "max_concurrency", options.maxConcurrency(), "max_body_bytes", options.maxBodyBytes());
        return server;
    }

    /** Loads every model, or none: a failure closes the ones already loaded. */
    private static List<ServedModel> loadAll(List<ModelSource> sources, ServerOptions options, ServerMetrics metrics, EventLog log) {
        List<ServedModel> served = new ArrayList<>();
        try {
            for (ModelSource source : sources) {
                served.add(load(source, options, metrics, log));
            }
            return served;
        } catch (RuntimeException e) {
            served.forEach(ServedModel::close);
            throw e;
        }
    }

    /**
     * Jetty asks the platform MBean server for a JVM option to size its padding, and JMX for the uptime it logs;
     * starting the MBean server loads JMX and JFR, a fifth of a second of a cold start. Both answers are known.
     */
    private static void avoidJettyManagementLookups() {
        if (System.getProperty("org.eclipse.jetty.util.referencesPerCacheLine") == null) {
            System.setProperty("org.eclipse.jetty.util.referencesPerCacheLine", "16");
        }
        long started = System.nanoTime();
        org.eclipse.jetty.util.Uptime.getInstance().setImpl(() -> (System.nanoTime() - started) / 1_000_000);
    }

    private static ServedModel load(ModelSource source, ServerOptions options, ServerMetrics metrics, EventLog log) {
        long t0 = System.nanoTime();
        OnnxModel model = OnnxModel.load(source.file(), options.intraOpThreads());
        ServedModel served;
        try {
            served = new ServedModel(source.config(), model, metrics.forModel(source.config().name(), source.config().version()));
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
        String warmUp = served.warmUp();
        if (warmUp != null) {
            log.warn("warm_up_skipped", "model", served.name(), "version", served.version(), "reason", warmUp);
        }
        Map<String, Object> batching = new LinkedHashMap<>();
        batching.put("enabled", served.batching());
        if (source.config().batching() != null) {
            batching.put("max_size", source.config().batching().maxSize());
            batching.put("max_delay_us", source.config().batching().maxDelayMicros());
        }
        log.info("model_loaded", "model", served.name(), "version", served.version(), "file", source.file().toString(),
                "inputs", specs(served.signature().inputs()), "outputs", specs(served.signature().outputs()),
                "batching", batching, "millis", (System.nanoTime() - t0) / 1_000_000);
        if (!served.batching() && source.config().batching() != null) {
            log.warn("batching_off", "model", served.name(), "version", served.version(), "reason", served.batchingOff());
        }
        for (String note : served.signature().notes()) {
            log.warn("output_not_served", "model", served.name(), "version", served.version(), "reason", note);
        }
        return served;
    }

    private static List<Object> specs(List<TensorSpec> specs) {
        List<Object> l = new ArrayList<>();
        for (TensorSpec s : specs) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", s.name());
            m.put("datatype", s.datatype().name());
            m.put("shape", s.shape());
            l.add(m);
        }
        return l;
    }

    /** The Berth version this server was built as. */
    public static String version() {
        Properties p = new Properties();
        try (InputStream in = ModelServer.class.getResourceAsStream("version.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            return "unknown";
        }
        return p.getProperty("version", "unknown");
    }

    private static byte[] openApi() {
        try (InputStream in = ModelServer.class.getResourceAsStream("openapi.json")) {
            if (in == null) {
                throw new ModelException("the server's OpenAPI document is missing from its jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new ModelException("cannot read the server's OpenAPI document: " + e.getMessage(), e);
        }
    }

    /** The port the server listens on (the chosen one when started with port 0). */
    public int port() {
        return connector.getLocalPort();
    }

    /** {@code http://HOST:PORT}, with 127.0.0.1 for a server listening on every address. */
    public URI baseUri() {
        String h = host.equals("0.0.0.0") || host.equals("::") ? "127.0.0.1" : host.contains(":") ? "[" + host + "]" : host;
        return URI.create("http://" + h + ":" + port());
    }

    /** Waits until the server has stopped. */
    public void join() throws InterruptedException {
        jetty.join();
    }

    /** Stops gracefully (see the class comment); idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        long t0 = System.nanoTime();
        log.info("server_stopping");
        handler.stopping();
        models.forEach(ServedModel::flush);
        try {
            jetty.stop();
        } catch (Exception e) {
            log.warn("stop_incomplete", "reason", e.toString());
        }
        models.forEach(ServedModel::close);
        log.info("server_stopped", "millis", (System.nanoTime() - t0) / 1_000_000);
    }
}
