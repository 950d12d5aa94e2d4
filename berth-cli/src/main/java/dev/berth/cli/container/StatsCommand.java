package dev.berth.cli.container;

import dev.berth.cli.CommandFailure;
import dev.berth.cli.ExitCodes;
import dev.berth.cli.output.OutputFormat;
import dev.berth.cli.output.Table;
import dev.berth.daemon.EngineException;
import dev.berth.daemon.api.ContainerSummary;
import dev.berth.daemon.client.EngineClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code berth stats --no-stream}: CPU, memory against its limit, and PIDs, from each container's cgroup. */
@Command(name = "stats", description = "Display containers' resource usage (one sample).", mixinStandardHelpOptions = true)
public final class StatsCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;
    @Option(names = "--no-stream", description = "Show one sample and exit (the only mode so far).")
    boolean noStream;
    @Option(names = "--format", paramLabel = "table|json", converter = OutputFormat.Converter.class, description = "Output format.")
    OutputFormat format = OutputFormat.TABLE;
    @Parameters(arity = "0..*", paramLabel = "CONTAINER")
    List<String> containers = new ArrayList<>();

    /** Docker's stats units: binary (KiB, MiB, GiB). */
    static String iec(long bytes) {
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
        double v = bytes;
        int u = 0;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return u == 0 ? bytes + "B" : String.format("%.2f%s", v, units[u]);
    }

    @Override
    public Integer call() {
        EngineClient client = DaemonConnection.client();
        List<String> targets = new ArrayList<>(containers);
        if (targets.isEmpty()) {
            for (ContainerSummary s : client.call("GET", "/containers/json", null, ContainerSummary[].class)) {
                targets.add(s.id());
            }
        }
        List<Map<?, ?>> samples = new ArrayList<>();
        for (String c : targets) {
            try {
                samples.add(client.call("GET", "/containers/" + Api.enc(c) + "/stats?stream=false", null, Map.class));
            } catch (EngineException e) {
                throw new CommandFailure(e.getMessage(), ExitCodes.FAILURE);
            }
        }
        if (format == OutputFormat.JSON) {
            OutputFormat.printJson(spec.commandLine().getOut(), samples);
            return 0;
        }
        Table table = new Table("CONTAINER ID", "NAME", "CPU %", "MEM USAGE / LIMIT", "MEM %", "PIDS");
        for (Map<?, ?> s : samples) {
            Map<?, ?> mem = (Map<?, ?>) s.get("memory_stats");
            Map<?, ?> pids = (Map<?, ?>) s.get("pids_stats");
            long used = ((Number) mem.get("shown")).longValue();
            long limit = ((Number) mem.get("limit")).longValue();
            String name = (String) s.get("name");
            table.row(((String) s.get("id")).substring(0, 12), name.startsWith("/") ? name.substring(1) : name,
                    String.format("%.2f%%", ((Number) s.get("cpu_percent")).doubleValue()),
                    iec(used) + " / " + iec(limit),
                    String.format("%.2f%%", limit <= 0 ? 0.0 : 100.0 * used / limit),
                    String.valueOf(pids.get("current")));
        }
        table.print(spec.commandLine().getOut());
        return 0;
    }
}
