package dev.berth.cli.container;

import dev.berth.cli.CommandFailure;
import dev.berth.cli.ExitCodes;
import dev.berth.cli.output.OutputFormat;
import dev.berth.cli.output.Table;
import dev.berth.daemon.EngineException;
import dev.berth.daemon.api.ContainerSummary;
import dev.berth.oci.json.Json;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code berth ps}: Docker's columns, running containers unless {@code -a}, filters as {@code docker ps --filter}. */
@Command(name = "ps", description = "List containers.", mixinStandardHelpOptions = true)
public final class PsCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;
    @Option(names = {"-a", "--all"}, description = "Show all containers (default shows running ones).")
    boolean all;
    @Option(names = {"-q", "--quiet"}, description = "Only show container IDs.")
    boolean quiet;
    @Option(names = "--no-trunc", description = "Do not truncate IDs and commands.")
    boolean noTrunc;
    @Option(names = {"-f", "--filter"}, paramLabel = "KEY=VALUE", description = "Filter: id, name, label, status, exited, ancestor, health.")
    List<String> filters = new ArrayList<>();
    @Option(names = "--format", paramLabel = "table|json", converter = OutputFormat.Converter.class, description = "Output format.")
    OutputFormat format = OutputFormat.TABLE;

    @Override
    public Integer call() {
        Map<String, List<String>> filterMap = new LinkedHashMap<>();
        for (String f : filters) {
            int eq = f.indexOf('=');
            if (eq <= 0) {
                throw new CommandFailure("bad format of filter (expected name=value): " + f, ExitCodes.FAILURE);
            }
            filterMap.computeIfAbsent(f.substring(0, eq), k -> new ArrayList<>()).add(f.substring(eq + 1));
        }
        String query = "/containers/json?all=" + (all ? 1 : 0)
                + (filterMap.isEmpty() ? "" : "&filters=" + Api.enc(new String(Json.canonicalBytes(filterMap), java.nio.charset.StandardCharsets.UTF_8)));
        ContainerSummary[] rows;
        try {
            rows = DaemonConnection.client().call("GET", query, null, ContainerSummary[].class);
        } catch (EngineException e) {
            throw new CommandFailure(e.getMessage(), ExitCodes.FAILURE);
        }
        PrintWriter out = spec.commandLine().getOut();
        if (format == OutputFormat.JSON) {
            OutputFormat.printJson(out, List.of(rows));
            return 0;
        }
        if (quiet) {
            for (ContainerSummary c : rows) {
                out.println(noTrunc ? c.id() : c.id().substring(0, 12));
            }
            out.flush();
            return 0;
        }
        Table table = new Table("CONTAINER ID", "IMAGE", "COMMAND", "CREATED", "STATUS", "PORTS", "NAMES");
        for (ContainerSummary c : rows) {
            String command = "\"" + (noTrunc || c.command().length() <= 20 ? c.command() : c.command().substring(0, 19) + "…") + "\"";
            List<String> ports = new ArrayList<>();
            for (ContainerSummary.Port p : c.ports()) {
                ports.add(p.ip() + ":" + p.publicPort() + "->" + p.privatePort() + "/" + p.type());
            }
            long ago = java.time.Instant.now().getEpochSecond() - c.created();
            table.row(noTrunc ? c.id() : c.id().substring(0, 12), c.image(), command, human(ago) + " ago", c.status(),
                    String.join(", ", ports), String.join(",", c.names().stream().map(n -> n.startsWith("/") ? n.substring(1) : n).toList()));
        }
        table.print(out);
        return 0;
    }

    private static String human(long seconds) {
        if (seconds < 60) {
            return seconds + " seconds";
        }
        if (seconds < 3600) {
            return seconds / 60 + " minutes";
        }
        if (seconds < 172800) {
            return seconds / 3600 + " hours";
        }
        return seconds / 86400 + " days";
    }
}
