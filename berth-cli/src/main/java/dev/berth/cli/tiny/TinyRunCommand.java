package dev.berth.cli.tiny;

import dev.berth.cli.GlobalOptions;
import dev.berth.tiny.TinyException;
import dev.berth.tiny.blocks.WasmBlock;
import dev.berth.tiny.container.TinyContainer;
import dev.berth.tiny.pipeline.Stage;
import dev.berth.tiny.pipeline.Tensor;
import dev.berth.tiny.runtime.PipelineRunner;
import dev.berth.tiny.runtime.RunOutput;
import dev.berth.tiny.runtime.SensorFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code berth tiny run NAME:VERSION [--device PROFILE] [--input CAPABILITY=FILE …] [--budget-instructions N]}. */
@Command(name = "run", description = "Run a tiny container's pipeline on this host, feeding its sensors from files.",
        mixinStandardHelpOptions = true)
public final class TinyRunCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "NAME:VERSION")
    String reference;

    @Option(names = "--input", paramLabel = "CAPABILITY=FILE",
            description = "Feed a capability (its stage name or its kind: SOUND, ACCEL, IMAGE, RAW …) from a file: WAV, CSV, PNG/BMP or raw bytes.")
    List<String> inputs = List.of();

    @Option(names = "--device", paramLabel = "PROFILE", description = "Refuse to run unless the container fits this board.")
    String device;

    @Option(names = "--devices", paramLabel = "FILE", description = "Extra device profiles (YAML).")
    Path devices;

    @Option(names = "--budget-instructions", paramLabel = "N",
            description = "Instructions each WebAssembly block call may run (default: ${DEFAULT-VALUE}).")
    long budget = WasmBlock.DEFAULT_INSTRUCTION_BUDGET;

    @Override
    public Integer call() throws Exception {
        return TinyCli.guarded(() -> {
            TinyContainer container = TinyContainer.load(GlobalOptions.store(), reference);
            if (device != null) {
                container.estimate().requireFits(TinyCli.catalog(devices).get(device), container.pipeline().arenaBytes());
            }
            PipelineRunner runner = new PipelineRunner(container.pipeline(), budget);
            Map<String, Tensor> readings = new LinkedHashMap<>();
            for (String input : inputs) {
                int eq = input.indexOf('=');
                if (eq <= 0 || eq == input.length() - 1) {
                    throw new TinyException("--input '" + input + "' must look like CAPABILITY=FILE");
                }
                Stage.Capability capability = runner.capability(input.substring(0, eq));
                Path file = Path.of(input.substring(eq + 1));
                byte[] bytes;
                try {
                    bytes = Files.readAllBytes(file);
                } catch (IOException e) {
                    throw new TinyException("cannot read input file " + file + ": " + e.getMessage());
                }
                readings.put(capability.name(), SensorFiles.read(capability, file.getFileName().toString(), bytes));
            }
            PrintWriter out = spec.commandLine().getOut();
            for (RunOutput o : runner.run(readings)) {
                for (Tensor t : o.tensors()) {
                    out.println(o.stage() + " (" + o.kind() + "): " + t.render());
                }
            }
            out.flush();
            return 0;
        });
    }
}
