package dev.berth.cli.container;

import dev.berth.cli.CommandFailure;
import dev.berth.cli.ExitCodes;
import dev.berth.cli.output.OutputFormat;
import dev.berth.daemon.EngineException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code berth container prune|inspect}: the management commands Docker groups under "container". */
@Command(name = "container", description = "Manage containers.", mixinStandardHelpOptions = true,
        subcommands = {ContainerCommand.Prune.class, ContainerCommand.Inspect.class})
public final class ContainerCommand implements Runnable {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "Missing subcommand: prune or inspect");
    }

    @Command(name = "prune", description = "Remove all stopped containers.", mixinStandardHelpOptions = true)
    public static final class Prune implements Callable<Integer> {
        @Spec
        picocli.CommandLine.Model.CommandSpec spec;
        @picocli.CommandLine.Option(names = {"-f", "--force"}, description = "Do not prompt (Berth never prompts).")
        boolean force;

        @Override
        public Integer call() {
            Map<?, ?> r = DaemonConnection.client().call("POST", "/containers/prune", null, Map.class);
            var out = spec.commandLine().getOut();
            List<?> deleted = (List<?>) r.get("ContainersDeleted");
            if (!deleted.isEmpty()) {
                out.println("Deleted Containers:");
                deleted.forEach(out::println);
            }
            out.println("Total reclaimed space: 0B");
            out.flush();
            return 0;
        }
    }

    @Command(name = "inspect", description = "Show details of containers as JSON.", mixinStandardHelpOptions = true)
    public static final class Inspect implements Callable<Integer> {
        @Spec
        picocli.CommandLine.Model.CommandSpec spec;
        @Parameters(arity = "1..*", paramLabel = "CONTAINER")
        List<String> containers;

        @Override
        public Integer call() {
            List<Object> results = new ArrayList<>();
            List<String> errors = new ArrayList<>();
            var client = DaemonConnection.client();
            for (String c : containers) {
                try {
                    results.add(client.call("GET", "/containers/" + Api.enc(c) + "/json", null, Map.class));
                } catch (EngineException e) {
                    errors.add(e.getMessage());
                }
            }
            OutputFormat.printJson(spec.commandLine().getOut(), results);
            if (!errors.isEmpty()) {
                throw new CommandFailure(String.join("\n", errors), ExitCodes.FAILURE);
            }
            return 0;
        }
    }

    /** For {@code berth inspect NAME}: the container's JSON when a container has that name or ID, else null. */
    public static Object inspectIfContainer(String reference) {
        try {
            return DaemonConnection.client().call("GET", "/containers/" + Api.enc(reference) + "/json", null, Map.class);
        } catch (EngineException e) {
            if (e.kind() == EngineException.Kind.NOT_FOUND) {
                return null;
            }
            throw e;
        }
    }
}
