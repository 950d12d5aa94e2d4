package dev.berth.cli.tiny;

import dev.berth.tiny.TinyException;
import dev.berth.tiny.blocks.WasmBlock;
import dev.berth.tiny.fleet.Fleet;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code berth tiny fleet create|status}: a simulated fleet of devices, each with two slots. */
@Command(name = "fleet", description = "Create a simulated fleet of devices, or show its status.", mixinStandardHelpOptions = true,
        subcommands = {TinyFleetCommand.Create.class, TinyFleetCommand.Status.class})
public final class TinyFleetCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** {@code berth tiny fleet create NAME --size N --device PROFILE [--health-input CAPABILITY=FILE …]}. */
    @Command(name = "create", description = "Create a fleet of devices of one board.", mixinStandardHelpOptions = true)
    public static final class Create implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Option(names = "--size", defaultValue = "10", paramLabel = "N", description = "Number of devices (default: ${DEFAULT-VALUE}).")
        int size;

        @Option(names = "--device", required = true, paramLabel = "PROFILE", description = "The board every device is.")
        String device;

        @Option(names = "--devices", paramLabel = "FILE", description = "Extra device profiles (YAML).")
        Path devices;

        @Option(names = "--health-input", paramLabel = "CAPABILITY=FILE",
                description = "Sample input the health check feeds a capability after every install.")
        List<String> healthInputs = List.of();

        @Option(names = "--budget-instructions", paramLabel = "N",
                description = "Instruction budget of each WebAssembly block call in the health check (default: ${DEFAULT-VALUE}).")
        long budget = WasmBlock.DEFAULT_INSTRUCTION_BUDGET;

        @Option(names = "--trust-key", paramLabel = "FILE",
                description = "Ed25519 public key (PEM) every update must be signed with ('berth tiny sign').")
        Path trustKey;

        @Override
        public Integer call() throws Exception {
            return TinyCli.guarded(() -> {
                Map<String, Path> samples = new LinkedHashMap<>();
                for (String input : healthInputs) {
                    int eq = input.indexOf('=');
                    if (eq <= 0 || eq == input.length() - 1) {
                        throw new TinyException("--health-input '" + input + "' must look like CAPABILITY=FILE");
                    }
                    samples.put(input.substring(0, eq), Path.of(input.substring(eq + 1)));
                }
                Fleet fleet = Fleet.create(FleetTable.dir(name), name, size, TinyCli.catalog(devices).get(device), samples, budget, trustKey);
                spec.commandLine().getOut().println("Created fleet " + name + " with " + fleet.spec().devices().size() + " " + device + " devices");
                spec.commandLine().getOut().flush();
                return 0;
            });
        }
    }

    /** {@code berth tiny fleet status NAME}. */
    @Command(name = "status", description = "Show every device's slot, version and health.", mixinStandardHelpOptions = true)
    public static final class Status implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Override
        public Integer call() throws Exception {
            return TinyCli.guarded(() -> {
                FleetTable.print(spec.commandLine().getOut(), Fleet.open(FleetTable.dir(name)), List.of());
                return 0;
            });
        }
    }
}
