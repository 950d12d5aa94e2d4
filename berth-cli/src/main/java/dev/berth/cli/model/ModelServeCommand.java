package dev.berth.cli.model;

import dev.berth.cli.CommandFailure;
import dev.berth.cli.ExitCodes;
import dev.berth.model.ModelException;
import dev.berth.model.ModelLabels;
import dev.berth.model.server.Durations;
import dev.berth.model.server.EventLog;
import dev.berth.model.server.ModelServer;
import dev.berth.model.server.ModelSource;
import dev.berth.model.server.ServerMain;
import dev.berth.model.server.ServerOptions;
import dev.berth.model.server.StopSignals;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code berth model serve MODEL.onnx}: the model server on this host, without a container (the lightest isolation:
 * Berth's own locked dependencies), until Ctrl-C.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Serve an ONNX model over the Open Inference Protocol (KServe V2 REST) on this host until Ctrl-C.")
public final class ModelServeCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "MODEL.onnx", description = "The ONNX model file.")
    Path model;

    @Option(names = {"-p", "--port"}, paramLabel = "PORT", description = "Port to listen on (default: ${DEFAULT-VALUE}; 0 picks a free one).")
    int port = ModelLabels.DEFAULT_PORT;

    @Option(names = "--host", paramLabel = "HOST", description = "Address to listen on (default: ${DEFAULT-VALUE}).")
    String host = "127.0.0.1";

    @Option(names = "--name", paramLabel = "NAME", description = "The model's name in /v2/models/NAME (default: the file name without .onnx).")
    String name;

    @Option(names = "--model-version", paramLabel = "VERSION", description = "The model's version (default: none).")
    String version = "";

    @Option(names = "--batch-max-size", paramLabel = "N", description = "Batch up to N rows of concurrent requests into one run (default: no batching).")
    Integer batchMaxSize;

    @Option(names = "--batch-max-delay", paramLabel = "DURATION", description = "Longest a request waits for its batch to fill: 2ms, 500us (default: 2ms).")
    String batchMaxDelay;

    @Option(names = "--max-body-bytes", paramLabel = "N", description = "Largest request body; larger ones get 413 (default: ${DEFAULT-VALUE}).")
    long maxBodyBytes = ServerOptions.DEFAULT_MAX_BODY_BYTES;

    @Option(names = "--max-concurrency", paramLabel = "N", description = "Inference requests handled at once; more get 503 (default: ${DEFAULT-VALUE}).")
    int maxConcurrency = ServerOptions.DEFAULT_MAX_CONCURRENCY;

    @Option(names = "--intra-op-threads", paramLabel = "N", description = "ONNX Runtime threads per inference (default: ${DEFAULT-VALUE}; raise for large models).")
    int intraOpThreads = 1;

    @Option(names = "--access-log", description = "Log every request.")
    boolean accessLog;

    @Override
    public Integer call() throws InterruptedException {
        CountDownLatch stop = StopSignals.install();
        dev.berth.cli.JettyLogging.warningsOnly();
        ModelServer server;
        ModelSource source;
        try {
            source = ServerMain.singleModel(model.toAbsolutePath(), name, version, batchMaxSize,
                    batchMaxDelay == null ? null : Durations.parse(batchMaxDelay, "--batch-max-delay"));
            ServerOptions options = ServerOptions.defaults(host, port).withMaxBodyBytes(maxBodyBytes).withMaxConcurrency(maxConcurrency)
                    .withIntraOpThreads(intraOpThreads).withAccessLog(accessLog);
            server = ModelServer.start(options, List.of(source), EventLog.stderr());
        } catch (ModelException e) {
            throw new CommandFailure(e.getMessage(), ExitCodes.FAILURE);
        }
        try {
            var out = spec.commandLine().getOut();
            String url = server.baseUri() + "/v2/models/" + source.config().name();
            out.println("Serving model '" + source.config().name() + "' at " + url + " (Ctrl-C to stop)");
            out.println("  metadata:  curl " + url);
            out.println("  inference: curl -X POST " + url + "/infer -H 'Content-Type: application/json' -d @request.json");
            out.println("  metrics:   curl " + server.baseUri() + "/metrics");
            out.flush();
            stop.await();
        } finally {
            server.close();
        }
        return ExitCodes.OK;
    }
}
