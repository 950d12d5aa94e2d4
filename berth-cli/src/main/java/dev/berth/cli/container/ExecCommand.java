package dev.berth.cli.container;

import dev.berth.cli.CommandFailure;
import dev.berth.cli.ExitCodes;
import dev.berth.daemon.EngineException;
import dev.berth.daemon.api.ExecRequest;
import dev.berth.daemon.client.EngineClient;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code berth exec}: run a command in a running container; ends with the command's exit code. */
@Command(name = "exec", description = "Execute a command in a running container.", mixinStandardHelpOptions = true)
public final class ExecCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;
    @Option(names = {"-e", "--env"}, paramLabel = "KEY=VALUE", description = "Set an environment variable.")
    List<String> env = new ArrayList<>();
    @Option(names = {"-w", "--workdir"}, paramLabel = "DIR", description = "Working directory inside the container.")
    String workdir;
    @Option(names = {"-u", "--user"}, paramLabel = "USER[:GROUP]", description = "User (name or UID) and group.")
    String user;
    @Parameters(index = "0", paramLabel = "CONTAINER")
    String container;
    @Parameters(index = "1..*", arity = "1..*", paramLabel = "COMMAND")
    List<String> command;

    @Override
    public Integer call() throws IOException {
        EngineClient client = DaemonConnection.client();
        String id;
        try {
            Map<?, ?> created = client.call("POST", "/containers/" + Api.enc(container) + "/exec",
                    new ExecRequest(command, env, workdir, user), Map.class);
            id = (String) created.get("Id");
        } catch (EngineException e) {
            throw new CommandFailure(e.getMessage(), e.kind() == EngineException.Kind.FAILED ? ExitCodes.BERTH_FAILED : ExitCodes.FAILURE);
        }
        try (EngineClient.Response r = client.send("POST", "/exec/" + id + "/start", Map.of("Detach", false))) {
            if (r.status >= 400) {
                EngineClient.check(r, r.readAll());
            }
            RawStream.copy(r.body, spec.commandLine().getOut(), spec.commandLine().getErr());
        } catch (EngineException e) {
            throw new CommandFailure(e.getMessage(), ExitCodes.BERTH_FAILED);
        }
        Map<?, ?> result = client.call("GET", "/exec/" + id + "/json", null, Map.class);
        return ((Number) result.get("ExitCode")).intValue();
    }
}
