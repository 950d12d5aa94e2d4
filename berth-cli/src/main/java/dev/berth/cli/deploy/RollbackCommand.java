package dev.berth.cli.deploy;

import dev.berth.cli.ExitCodes;
import dev.berth.cli.container.DaemonConnection;
import dev.berth.cli.output.OutputFormat;
import dev.berth.daemon.deploy.DeploymentStatus;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code berth rollback NAME}: rolls a deployment back to the revision that served before the current one, the same way
 * as an update (one replica at a time, no request lost). It adds a revision; rolling back twice returns to where it began.
 */
@Command(name = "rollback", mixinStandardHelpOptions = true,
        description = "Roll a deployment back to the version that served before the current one.")
public final class RollbackCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;
    @Parameters(index = "0", paramLabel = "DEPLOYMENT")
    String name;
    @Option(names = "--format", paramLabel = "table|json", converter = OutputFormat.Converter.class, description = "Output format.")
    OutputFormat format = OutputFormat.TABLE;

    @Override
    public Integer call() {
        DeploymentStatus status = ChangeStream.deployment(ChangeStream.send(DaemonConnection.client(), "POST",
                "/deployments/" + URLEncoder.encode(name, StandardCharsets.UTF_8) + "/rollback", null, spec.commandLine().getErr()));
        DeploymentViews.printResult(spec.commandLine().getOut(), status, format);
        return ExitCodes.OK;
    }
}
