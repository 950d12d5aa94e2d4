package dev.berth.cli.model;

import dev.berth.cli.BerthCommand;
import dev.berth.cli.CommandFailure;
import dev.berth.cli.ExitCodes;
import dev.berth.cli.GlobalOptions;
import dev.berth.cli.output.Table;
import dev.berth.cli.output.Units;
import dev.berth.model.ModelException;
import dev.berth.model.packaging.ModelPackager;
import dev.berth.model.packaging.PackageRequest;
import dev.berth.model.packaging.PackagedModel;
import dev.berth.model.packaging.ResourceDefaults;
import dev.berth.model.packaging.TensorSpec;
import dev.berth.model.packaging.provenance.Provenance;
import dev.berth.model.repository.ModelConfig;
import dev.berth.oci.OciException;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code berth model package MODEL.onnx -t NAME:VERSION}: an image that serves the model, built without a Dockerfile
 * and without running anything, straight into the image store.
 */
@Command(name = "package", mixinStandardHelpOptions = true,
        description = {"Package an ONNX model as an image that serves it over the Open Inference Protocol (KServe V2).",
                "Layers: a Debian-package base, a jlinked Java runtime, the model server, the model; a new version adds only "
                        + "the model layer. SOURCE_DATE_EPOCH makes the image reproducible."})
public final class ModelPackageCommand implements Callable<Integer> {
    private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)(us|µs|ms|s)");

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "MODEL.onnx", description = "The ONNX model file.")
    Path model;

    @Option(names = {"-t", "--tag"}, required = true, paramLabel = "NAME:VERSION",
            description = "The image's name, with the model's version as its tag (iris:1).")
    String tag;

    @Option(names = "--name", paramLabel = "MODEL_NAME",
            description = "The name the server serves the model under (default: the last part of NAME).")
    String modelName;

    @Option(names = "--base", paramLabel = "IMAGE",
            description = "Build on this image from the store instead of Berth's base; its Java is used if it is a Java 25.")
    String base;

    @Option(names = "--batch-max-size", paramLabel = "N", description = "Turn on dynamic batching: at most N requests per run.")
    Integer batchMaxSize;

    @Option(names = "--batch-max-delay", paramLabel = "DURATION",
            description = "With batching, how long a request waits for others (default 1ms; for example 500us, 2ms).")
    String batchMaxDelay;

    @Option(names = {"-m", "--memory"}, paramLabel = "BYTES", description = "Default memory limit deployments use (256m, 1g).")
    String memory;

    @Option(names = "--cpus", paramLabel = "N", description = "Default CPU limit deployments use (1, 0.5).")
    String cpus;

    @Option(names = {"-q", "--quiet"}, description = "Print only the image ID.")
    boolean quiet;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            PackageRequest request = new PackageRequest(model, tag, modelName, base, batching(),
                    ResourceDefaults.parse(memory, cpus),
                    Provenance.here(BerthCommand.Version.version(), Provenance.createdFromEnvironment(), model));
            request.reference(); // a bad -t is refused before the model is read
            ModelPackager packager = new ModelPackager(GlobalOptions.store(), null, quiet ? null : line -> {
                err.println(line);
                err.flush();
            });
            PackagedModel packaged = packager.pack(request);
            if (quiet) {
                out.println(packaged.imageId());
            } else {
                print(out, packaged);
            }
            out.flush();
            return 0;
        } catch (ModelException | OciException e) {
            throw new CommandFailure(e.getMessage(), ExitCodes.FAILURE);
        }
    }

    private ModelConfig.Batching batching() {
        if (batchMaxSize == null) {
            if (batchMaxDelay != null) {
                throw new ModelException("--batch-max-delay needs --batch-max-size (batching is off without a size)");
            }
            return null;
        }
        return new ModelConfig.Batching(batchMaxSize, batchMaxDelay == null ? 1000 : micros(batchMaxDelay));
    }

    /** "500us", "2ms", "0.01s" in microseconds; at most 10 s (a request should not wait longer for company). */
    static long micros(String text) {
        Matcher m = DURATION.matcher(text.strip().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new ModelException("--batch-max-delay '" + text + "' is not a duration: use a number with us, ms or s (for example 2ms)");
        }
        BigDecimal scale = switch (m.group(2)) {
            case "s" -> BigDecimal.valueOf(1_000_000);
            case "ms" -> BigDecimal.valueOf(1_000);
            default -> BigDecimal.ONE;
        };
        long micros = new BigDecimal(m.group(1)).multiply(scale).longValue();
        if (micros > 10_000_000) {
            throw new ModelException("--batch-max-delay '" + text + "' is too long: at most 10s");
        }
        return micros;
    }

    private static void print(PrintWriter out, PackagedModel p) {
        out.println();
        out.println("Model      " + p.modelName() + " " + p.reference().tag() + "  sha256:" + p.modelSha256());
        out.println("Inputs     " + describe(p.signature().inputs()));
        out.println("Outputs    " + describe(p.signature().outputs()));
        out.println("Image      " + p.reference().familiar() + "  " + p.imageId());
        out.println();
        Table table = new Table("LAYER", "SIZE", "UNPACKED", "", "WHAT");
        for (PackagedModel.PackagedLayer l : p.layers()) {
            table.row(l.role(), Units.humanSize(l.blob().size()), l.uncompressedSize() == 0 ? "" : Units.humanSize(l.uncompressedSize()),
                    l.reused() ? "reused" : "new", l.description().replaceFirst("^berth model package: ", ""));
        }
        table.row("total", Units.humanSize(p.compressedSize()), p.uncompressedSize() == 0 ? "" : Units.humanSize(p.uncompressedSize()), "", "");
        table.print(out);
        out.println();
        out.println("Run it:   berth run -d -p 127.0.0.1:9000:8080 " + p.reference().familiar());
    }

    private static String describe(List<TensorSpec> tensors) {
        return String.join(", ", tensors.stream().map(t -> t.name() + " " + t.datatype() + " " + t.shape()).toList());
    }
}
