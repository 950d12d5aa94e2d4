package dev.berth.cli.deploy;

import dev.berth.cli.CommandFailure;
import dev.berth.cli.ExitCodes;
import dev.berth.cli.container.DaemonConnection;
import dev.berth.cli.container.Flags;
import dev.berth.cli.output.OutputFormat;
import dev.berth.daemon.client.EngineClient;
import dev.berth.daemon.deploy.DeployRequest;
import dev.berth.daemon.deploy.DeploymentStatus;
import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code berth deploy NAME:VERSION --port P}: runs the image as replica containers behind one stable port, or rolls an
 * existing deployment to it one replica at a time (each new replica takes traffic only once its readiness check
 * passes, each old one is drained before it stops). {@code berth deploy rm NAME} removes a deployment.
 */
@Command(name = "deploy", mixinStandardHelpOptions = true, subcommands = DeployCommand.Rm.class,
        description = {"Deploy an image as replicas behind one port, or roll a deployment to a new version.",
                "Steps go to stderr as they happen; the result to stdout."})
public final class DeployCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;
    // optional for picocli only, so that `deploy rm NAME` parses; call() requires it
    @Parameters(index = "0", arity = "0..1", paramLabel = "IMAGE", description = "The image to deploy, e.g. iris:2.")
    String image;
    @Option(names = {"-p", "--port"}, paramLabel = "PORT", description = "Host port the deployment listens on (required for a new deployment).")
    Integer port;
    @Option(names = "--publish-address", paramLabel = "IP", description = "Host address to listen on (default 127.0.0.1).")
    String publishAddress;
    @Option(names = {"-r", "--replicas"}, paramLabel = "N", description = "Number of replicas (default 1, or as before).")
    Integer replicas;
    @Option(names = {"-m", "--memory"}, paramLabel = "BYTES", description = "Memory limit per replica (default: the image's label).")
    String memory;
    @Option(names = "--cpus", paramLabel = "N", description = "CPU limit per replica (default: the image's label).")
    String cpus;
    @Option(names = "--name", paramLabel = "DEPLOYMENT", description = "Deployment name (default: the model-name label, else the repository's last path element).")
    String name;
    @Option(names = "--readiness-path", paramLabel = "PATH", description = "HTTP path that answers 200 once a replica is ready (default /v2/health/ready).")
    String readinessPath;
    @Option(names = "--readiness-timeout", paramLabel = "DURATION", description = "How long a new replica may take to become ready (default 60s).")
    String readinessTimeout;
    @Option(names = "--format", paramLabel = "table|json", converter = OutputFormat.Converter.class, description = "Output format.")
    OutputFormat format = OutputFormat.TABLE;

    @Override
    public Integer call() {
        if (image == null) {
            throw new CommandFailure("no image given: berth deploy NAME:VERSION --port PORT (or berth deploy rm DEPLOYMENT)",
                    ExitCodes.BERTH_FAILED);
        }
        Integer timeoutSeconds = null;
        if (readinessTimeout != null) {
            long nanos = Flags.durationNanos("--readiness-timeout", readinessTimeout);
            if (nanos < 1_000_000_000L) {
                throw Flags.bad("--readiness-timeout", readinessTimeout, "a duration of at least 1s");
            }
            timeoutSeconds = (int) Math.min(Integer.MAX_VALUE, (nanos + 999_999_999L) / 1_000_000_000L);
        }
        DeployRequest request = new DeployRequest(image, name, port, publishAddress, replicas,
                memory == null ? null : Flags.bytes("--memory", memory), cpus == null ? null : Flags.nanoCpus(cpus),
                readinessPath, timeoutSeconds);
        EngineClient client = DaemonConnection.client();
        PrintWriter err = spec.commandLine().getErr();
        DeploymentStatus status = ChangeStream.deployment(ChangeStream.send(client, "POST", "/deployments", request, err));
        DeploymentViews.printResult(spec.commandLine().getOut(), status, format);
        return ExitCodes.OK;
    }

    /** {@code berth deploy rm NAME…}: stops every replica, frees the port, forgets the deployment and its history. */
    @Command(name = "rm", mixinStandardHelpOptions = true, description = "Remove deployments: stop their replicas and free their ports.")
    public static final class Rm implements Callable<Integer> {
        @Spec
        picocli.CommandLine.Model.CommandSpec spec;
        @Parameters(arity = "1..*", paramLabel = "DEPLOYMENT")
        List<String> names;

        @Override
        public Integer call() {
            EngineClient client = DaemonConnection.client();
            PrintWriter out = spec.commandLine().getOut();
            List<String> errors = new ArrayList<>();
            for (String n : names) {
                try {
                    ChangeStream.send(client, "DELETE", "/deployments/" + URLEncoder.encode(n, StandardCharsets.UTF_8), null,
                            spec.commandLine().getErr());
                    out.println(n);
                    out.flush();
                } catch (CommandFailure e) {
                    errors.add(e.getMessage());
                }
            }
            if (!errors.isEmpty()) {
                throw new CommandFailure(String.join("\nError: ", errors), ExitCodes.FAILURE);
            }
            return ExitCodes.OK;
        }
    }
}
