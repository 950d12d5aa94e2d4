package dev.berth.cli.deploy;

import dev.berth.cli.CommandFailure;
import dev.berth.cli.ExitCodes;
import dev.berth.cli.container.DaemonConnection;
import dev.berth.cli.output.OutputFormat;
import dev.berth.daemon.EngineException;
import dev.berth.daemon.client.EngineClient;
import dev.berth.daemon.deploy.DeploymentStatus;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code berth deployments [NAME] [--history]}: every deployment (name, image, version, replicas ready/wanted, port,
 * state, last change), or one deployment's replicas, or with {@code --history} its revisions: what ran, when, and what
 * replaced it.
 */
@Command(name = "deployments", mixinStandardHelpOptions = true,
        description = "List deployments, or show one deployment's replicas or (--history) its revisions.")
public final class DeploymentsCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;
    @Parameters(index = "0", arity = "0..1", paramLabel = "DEPLOYMENT")
    String name;
    @Option(names = "--history", description = "Show the deployment's revisions, newest first.")
    boolean history;
    @Option(names = "--format", paramLabel = "table|json", converter = OutputFormat.Converter.class, description = "Output format.")
    OutputFormat format = OutputFormat.TABLE;

    @Override
    public Integer call() {
        if (history && name == null) {
            throw new CommandFailure("--history needs a deployment: berth deployments NAME --history", ExitCodes.BERTH_FAILED);
        }
        EngineClient client = DaemonConnection.client();
        var out = spec.commandLine().getOut();
        try {
            if (name == null) {
                List<DeploymentStatus> all = List.of(client.call("GET", "/deployments", null, DeploymentStatus[].class));
                if (format == OutputFormat.JSON) {
                    OutputFormat.printJson(out, all);
                } else {
                    DeploymentViews.list(all).print(out);
                }
                return ExitCodes.OK;
            }
            DeploymentStatus one = client.call("GET", "/deployments/" + URLEncoder.encode(name, StandardCharsets.UTF_8), null,
                    DeploymentStatus.class);
            if (format == OutputFormat.JSON) {
                OutputFormat.printJson(out, history ? one.history() : one);
            } else if (history) {
                DeploymentViews.history(one).print(out);
            } else {
                DeploymentViews.list(List.of(one)).print(out);
                out.println();
                DeploymentViews.replicas(one).print(out);
                if (one.message() != null) {
                    out.println();
                    out.println("Last problem: " + one.message());
                }
                out.flush();
            }
            return ExitCodes.OK;
        } catch (EngineException e) {
            throw new CommandFailure(e.getMessage(), ExitCodes.FAILURE);
        }
    }
}
