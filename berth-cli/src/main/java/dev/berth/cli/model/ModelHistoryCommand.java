package dev.berth.cli.model;

import dev.berth.cli.CommandFailure;
import dev.berth.cli.ExitCodes;
import dev.berth.cli.GlobalOptions;
import dev.berth.cli.output.OutputFormat;
import dev.berth.cli.output.Table;
import dev.berth.cli.output.Units;
import dev.berth.model.ModelException;
import dev.berth.model.packaging.ModelHistory;
import dev.berth.model.packaging.ModelVersion;
import dev.berth.oci.OciException;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code berth model history NAME}: the versions of a model in the store, newest first, with where each came from. */
@Command(name = "history", mixinStandardHelpOptions = true,
        description = "List the packaged versions of a model in the store, newest first, with their provenance.")
public final class ModelHistoryCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "NAME", description = "The model image's name, without a version (iris).")
    String name;

    @Option(names = "--format", paramLabel = "table|json", converter = OutputFormat.Converter.class)
    OutputFormat format = OutputFormat.TABLE;

    @Option(names = "--no-trunc", description = "Do not shorten digests and commits.")
    boolean noTrunc;

    @Override
    public Integer call() {
        List<ModelVersion> versions;
        try {
            versions = ModelHistory.versions(GlobalOptions.store(), name);
        } catch (ModelException | OciException e) {
            throw new CommandFailure(e.getMessage(), ExitCodes.FAILURE);
        }
        PrintWriter out = spec.commandLine().getOut();
        if (format == OutputFormat.JSON) {
            OutputFormat.printJson(out, versions);
            return 0;
        }
        Instant now = Instant.now();
        Table table = new Table("VERSION", "CREATED", "MODEL SHA256", "SIZE", "BUILT BY", "COMMIT", "IMAGE ID");
        for (ModelVersion v : versions) {
            table.row(v.tag(), v.created() == null ? "" : Units.ago(v.created(), now), shorten(v.modelSha256(), 12),
                    Units.humanSize(v.size()), v.builtBy() == null ? "" : v.builtBy(), commit(v.revision()),
                    shorten(v.imageId().replaceFirst("^sha256:", ""), 12));
        }
        table.print(out);
        return 0;
    }

    private String shorten(String hex, int length) {
        return hex == null ? "" : noTrunc || hex.length() <= length ? hex : hex.substring(0, length);
    }

    private String commit(String revision) {
        if (revision == null) {
            return "";
        }
        boolean dirty = revision.endsWith("-dirty");
        String commit = dirty ? revision.substring(0, revision.length() - "-dirty".length()) : revision;
        return shorten(commit, 12) + (dirty ? "-dirty" : "");
    }
}
