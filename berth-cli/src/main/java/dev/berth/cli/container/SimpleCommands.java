package dev.berth.cli.container;

import dev.berth.cli.CommandFailure;
import dev.berth.cli.ExitCodes;
import dev.berth.daemon.EngineException;
import dev.berth.daemon.client.EngineClient;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** The container commands that take containers and print their names back, as Docker's do. */
public final class SimpleCommands {
    private SimpleCommands() {
    }

    /** Applies an action to each container, printing each reference on success; failures are listed and exit 1. */
    abstract static class EachContainer implements Callable<Integer> {
        @Spec
        picocli.CommandLine.Model.CommandSpec spec;
        @Parameters(arity = "1..*", paramLabel = "CONTAINER")
        List<String> containers;

        abstract void apply(EngineClient client, String container);

        @Override
        public Integer call() {
            EngineClient client = DaemonConnection.client();
            PrintWriter out = spec.commandLine().getOut();
            List<String> errors = new ArrayList<>();
            for (String c : containers) {
                try {
                    apply(client, c);
                    out.println(c);
                    out.flush();
                } catch (EngineException | CommandFailure e) {
                    errors.add(e.getMessage());
                }
            }
            if (!errors.isEmpty()) {
                throw new CommandFailure(String.join("\nError: ", errors), ExitCodes.FAILURE);
            }
            return 0;
        }
    }

    @Command(name = "start", description = "Start one or more stopped containers.", mixinStandardHelpOptions = true)
    public static final class Start extends EachContainer {
        @Override
        void apply(EngineClient client, String c) {
            try {
                client.call("POST", "/containers/" + Api.enc(c) + "/start", null, Void.class);
            } catch (EngineException e) {
                throw new CommandFailure(e.getMessage(), e.exitCode());
            }
        }
    }

    @Command(name = "stop", description = "Stop one or more running containers (stop signal, then SIGKILL).", mixinStandardHelpOptions = true)
    public static final class Stop extends EachContainer {
        @Option(names = {"-t", "--time"}, paramLabel = "SECONDS", description = "Seconds to wait before killing (default: the container's stop timeout, else 10).")
        Integer time;

        @Override
        void apply(EngineClient client, String c) {
            client.call("POST", "/containers/" + Api.enc(c) + "/stop" + (time == null ? "" : "?t=" + time), null, Void.class);
        }
    }

    @Command(name = "restart", description = "Restart one or more containers.", mixinStandardHelpOptions = true)
    public static final class Restart extends EachContainer {
        @Option(names = {"-t", "--time"}, paramLabel = "SECONDS", description = "Seconds to wait before killing.")
        Integer time;

        @Override
        void apply(EngineClient client, String c) {
            client.call("POST", "/containers/" + Api.enc(c) + "/restart" + (time == null ? "" : "?t=" + time), null, Void.class);
        }
    }

    @Command(name = "kill", description = "Send a signal (default SIGKILL) to one or more running containers.", mixinStandardHelpOptions = true)
    public static final class Kill extends EachContainer {
        @Option(names = {"-s", "--signal"}, paramLabel = "SIGNAL", description = "Signal to send.")
        String signal = "SIGKILL";

        @Override
        void apply(EngineClient client, String c) {
            client.call("POST", "/containers/" + Api.enc(c) + "/kill?signal=" + Api.enc(signal), null, Void.class);
        }
    }

    @Command(name = "rm", description = "Remove one or more containers.", mixinStandardHelpOptions = true)
    public static final class Rm extends EachContainer {
        @Option(names = {"-f", "--force"}, description = "Kill and remove a running container.")
        boolean force;

        @Override
        void apply(EngineClient client, String c) {
            client.call("DELETE", "/containers/" + Api.enc(c) + (force ? "?force=1" : ""), null, Void.class);
        }
    }

    @Command(name = "wait", description = "Block until containers stop, then print their exit codes.", mixinStandardHelpOptions = true)
    public static final class Wait implements Callable<Integer> {
        @Spec
        picocli.CommandLine.Model.CommandSpec spec;
        @Parameters(arity = "1..*", paramLabel = "CONTAINER")
        List<String> containers;

        @Override
        public Integer call() {
            EngineClient client = DaemonConnection.client();
            PrintWriter out = spec.commandLine().getOut();
            for (String c : containers) {
                try {
                    Map<?, ?> r = client.call("POST", "/containers/" + Api.enc(c) + "/wait", null, Map.class);
                    out.println(r.get("StatusCode"));
                    out.flush();
                } catch (EngineException e) {
                    throw new CommandFailure(e.getMessage(), ExitCodes.FAILURE);
                }
            }
            return 0;
        }
    }
}
