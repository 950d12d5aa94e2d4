package dev.berth.cli.container;

import dev.berth.cli.CommandFailure;
import dev.berth.cli.ExitCodes;
import dev.berth.daemon.EngineException;
import dev.berth.daemon.client.EngineClient;
import java.io.IOException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code berth logs}: the container's output, stdout and stderr to their own streams. */
@Command(name = "logs", description = "Fetch the logs of a container.", mixinStandardHelpOptions = true)
public final class LogsCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;
    @Option(names = {"-f", "--follow"}, description = "Follow log output.")
    boolean follow;
    @Option(names = {"-n", "--tail"}, paramLabel = "N", description = "Number of lines to show from the end (default all).")
    String tail = "all";
    @Option(names = {"-t", "--timestamps"}, description = "Show timestamps.")
    boolean timestamps;
    @Option(names = "--since", paramLabel = "TIME", description = "Show logs since a timestamp (2026-11-24T17:00:00Z) or relative (42m).")
    String since;
    @Option(names = "--until", paramLabel = "TIME", description = "Show logs before a timestamp or relative time.")
    String until;
    @Parameters(index = "0", paramLabel = "CONTAINER")
    String container;

    @Override
    public Integer call() throws IOException {
        String query = "/containers/" + Api.enc(container) + "/logs?stdout=1&stderr=1&tail=" + Api.enc(tail)
                + (follow ? "&follow=1" : "") + (timestamps ? "&timestamps=1" : "")
                + (since == null ? "" : "&since=" + Api.enc(since)) + (until == null ? "" : "&until=" + Api.enc(until));
        try (EngineClient.Response r = DaemonConnection.client().send("GET", query, null)) {
            if (r.status >= 400) {
                try {
                    EngineClient.check(r, r.readAll());
                } catch (EngineException e) {
                    throw new CommandFailure(e.getMessage(), ExitCodes.FAILURE);
                }
            }
            RawStream.copy(r.body, spec.commandLine().getOut(), spec.commandLine().getErr());
        }
        return 0;
    }
}
