package dev.berth.cli.container;

import dev.berth.cli.CommandFailure;
import dev.berth.cli.ExitCodes;
import dev.berth.cli.output.Table;
import dev.berth.daemon.EngineException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code berth top}: the container's processes, {@code ps -ef} columns. */
@Command(name = "top", description = "Display the running processes of a container.", mixinStandardHelpOptions = true)
public final class TopCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;
    @Parameters(index = "0", paramLabel = "CONTAINER")
    String container;

    @Override
    public Integer call() {
        Map<?, ?> top;
        try {
            top = DaemonConnection.client().call("GET", "/containers/" + Api.enc(container) + "/top", null, Map.class);
        } catch (EngineException e) {
            throw new CommandFailure(e.getMessage(), ExitCodes.FAILURE);
        }
        List<?> titles = (List<?>) top.get("Titles");
        Table table = new Table(titles.stream().map(String::valueOf).toArray(String[]::new));
        for (Object row : (List<?>) top.get("Processes")) {
            table.row(((List<?>) row).stream().map(String::valueOf).toArray(String[]::new));
        }
        table.print(spec.commandLine().getOut());
        return 0;
    }
}
