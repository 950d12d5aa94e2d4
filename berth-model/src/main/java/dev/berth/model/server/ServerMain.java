package dev.berth.model.server;

import dev.berth.model.ModelException;
import dev.berth.model.ModelLabels;
import dev.berth.model.repository.ModelConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * The model server's entry point in a packaged image:
 * {@code java … dev.berth.model.server.ServerMain --model-repository /models --port 8080}. Kept lean for a fast cold
 * start: options are read by hand, no framework, no class path scanning.
 *
 * <p>Exit codes: 0 after a graceful stop on SIGTERM or SIGINT (requests in flight answered, models closed), 1 when a
 * model cannot be served, 2 for a wrong command line.
 */
public final class ServerMain {
    static final String USAGE = """
            Usage: ServerMain [--model-repository DIR | --model FILE [--name NAME] [--model-version V]
                              [--batch-max-size N --batch-max-delay D]] [options]
            Serves ONNX models over the Open Inference Protocol (KServe V2) REST API.
              --model-repository DIR  serve every DIR/NAME/model.onnx, with DIR/NAME/config.json (default /models)
              --model FILE            serve one model file instead
              --name NAME             its name (default: the file name without .onnx)
              --model-version V       its version (default: none)
              --batch-max-size N      batch up to N rows of requests to it (default: no batching)
              --batch-max-delay D     wait at most D for a batch to fill (2ms, 500us; default 2ms)
              --host HOST             address to listen on (default 0.0.0.0)
              --port PORT             port to listen on (default 8080; 0 picks a free one)
              --max-body-bytes N      largest request body; larger ones get 413 (default 16777216)
              --max-concurrency N     inference requests at once; more get 503 (default 256)
              --threads N             HTTP worker threads (default: max-concurrency + 16)
              --intra-op-threads N    ONNX Runtime threads per inference (default 1)
              --stop-timeout D        how long SIGTERM waits for requests in flight (default 30s)
              --access-log            log every request (default off)
            """;

    private ServerMain() {
    }

    public static void main(String[] args) {
        long mainStarted = System.nanoTime();
        EventLog log = EventLog.stderr();
        Launch launch;
        try {
            launch = parse(args);
        } catch (ModelException e) {
            System.err.println("Error: " + e.getMessage());
            System.err.print(USAGE);
            System.exit(2);
            return;
        }
        if (launch == null) {
            System.out.print(USAGE);
            return;
        }
        CountDownLatch stop = StopSignals.install();
        routeJettyLogs(log);
        ModelServer server;
        try {
            server = ModelServer.start(launch.options(), launch.models(), log);
        } catch (ModelException e) {
            log.error("start_failed", "reason", e.getMessage());
            System.exit(1);
            return;
        }
        log.info("ready", "url", server.baseUri().toString(), "main_to_ready_millis", (System.nanoTime() - mainStarted) / 1_000_000);
        try {
            stop.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        server.close();
        System.exit(0);
    }

    /** What to serve and how; null when help was asked for. */
    record Launch(ServerOptions options, List<ModelSource> models) {
    }

    static Launch parse(String[] args) {
        Path repository = null;
        Path model = null;
        String name = null;
        String version = "";
        Integer batchMaxSize = null;
        Duration batchMaxDelay = null;
        String host = "0.0.0.0";
        int port = ModelLabels.DEFAULT_PORT;
        ServerOptions o = ServerOptions.defaults(host, port);
        long maxBody = o.maxBodyBytes();
        int maxConcurrency = o.maxConcurrency();
        int threads = 0;
        int intraOp = 1;
        Duration stopTimeout = o.stopTimeout();
        boolean accessLog = false;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            String value = null;
            int eq = arg.indexOf('=');
            if (arg.startsWith("--") && eq > 0) {
                value = arg.substring(eq + 1);
                arg = arg.substring(0, eq);
            }
            switch (arg) {
                case "-h", "--help" -> {
                    return null;
                }
                case "--access-log" -> accessLog = true;
                default -> {
                    if (value == null) {
                        if (i + 1 >= args.length) {
                            throw new ModelException(arg.startsWith("--") ? arg + " needs a value" : "unexpected argument '" + arg + "'");
                        }
                        value = args[++i];
                    }
                    switch (arg) {
                        case "--model-repository" -> repository = Path.of(value);
                        case "--model" -> model = Path.of(value);
                        case "--name" -> name = value;
                        case "--model-version" -> version = value;
                        case "--batch-max-size" -> batchMaxSize = integer(arg, value);
                        case "--batch-max-delay" -> batchMaxDelay = Durations.parse(value, arg);
                        case "--host" -> host = value;
                        case "--port" -> port = integer(arg, value);
                        case "--max-body-bytes" -> maxBody = number(arg, value);
                        case "--max-concurrency" -> maxConcurrency = integer(arg, value);
                        case "--threads" -> threads = integer(arg, value);
                        case "--intra-op-threads" -> intraOp = integer(arg, value);
                        case "--stop-timeout" -> stopTimeout = Durations.parse(value, arg);
                        default -> throw new ModelException("unknown option '" + arg + "'");
                    }
                }
            }
        }
        ServerOptions options = new ServerOptions(host, port, maxBody, maxConcurrency, threads, intraOp, stopTimeout, accessLog);
        if (model != null && repository != null) {
            throw new ModelException("give --model or --model-repository, not both");
        }
        if (model == null && (name != null || !version.isEmpty() || batchMaxSize != null || batchMaxDelay != null)) {
            throw new ModelException("--name, --model-version and --batch-* go with --model; in a repository, config.json says them");
        }
        if (model != null) {
            return new Launch(options, List.of(singleModel(model, name, version, batchMaxSize, batchMaxDelay)));
        }
        return new Launch(options, ModelSource.scan(repository != null ? repository : Path.of(ModelLabels.MODEL_REPOSITORY)));
    }

    /** One model file with the name, version and batching given on a command line (also {@code berth model serve}). */
    public static ModelSource singleModel(Path file, String name, String version, Integer batchMaxSize, Duration batchMaxDelay) {
        String fileName = file.getFileName() == null ? "model" : file.getFileName().toString();
        String modelName = name != null ? name : fileName.endsWith(".onnx") ? fileName.substring(0, fileName.length() - 5) : fileName;
        if (batchMaxSize == null && batchMaxDelay != null) {
            throw new ModelException("--batch-max-delay needs --batch-max-size");
        }
        ModelConfig.Batching batching = batchMaxSize == null ? null
                : new ModelConfig.Batching(batchMaxSize, (batchMaxDelay != null ? batchMaxDelay : Duration.ofMillis(2)).toNanos() / 1000);
        return new ModelSource(file, new ModelConfig(modelName, version, batching));
    }

    private static int integer(String option, String value) {
        long v = number(option, value);
        if (v > Integer.MAX_VALUE) {
            throw new ModelException(option + " " + value + " is too large");
        }
        return (int) v;
    }

    private static long number(String option, String value) {
        try {
            long v = Long.parseLong(value);
            if (v < 0) {
                throw new ModelException(option + " must not be negative, not " + value);
            }
            return v;
        } catch (NumberFormatException e) {
            throw new ModelException(option + " needs a whole number, not '" + value + "'");
        }
    }

    /** Jetty logs through SLF4J to java.util.logging: its warnings become JSON lines too, its chatter is dropped. */
    static void routeJettyLogs(EventLog log) {
        Logger root = Logger.getLogger("");
        for (Handler h : root.getHandlers()) {
            root.removeHandler(h);
        }
        root.addHandler(new Handler() {
            @Override
            public void publish(LogRecord r) {
                if (r.getLevel().intValue() >= Level.WARNING.intValue()) {
                    String message = r.getMessage();
                    if (r.getParameters() != null && message != null) {
                        message = java.text.MessageFormat.format(message, r.getParameters());
                    }
                    log.warn("library", "logger", String.valueOf(r.getLoggerName()), "message", String.valueOf(message),
                            "exception", r.getThrown() == null ? "" : r.getThrown().toString());
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        });
        root.setLevel(Level.WARNING);
    }
}
