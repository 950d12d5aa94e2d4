package dev.berth.cli.system;

import dev.berth.cli.CommandFailure;
import dev.berth.cli.ExitCodes;
import dev.berth.cli.GlobalOptions;
import dev.berth.cli.output.OutputFormat;
import dev.berth.oci.store.StoreCheck;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code berth system check [--repair]}: verify every blob and name; exit 1 while anything is left wrong. */
@Command(name = "check", description = "Verify every blob's digest and every image's references.", mixinStandardHelpOptions = true)
public final class CheckCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--repair", description = "Remove corrupt blobs, dangling names and leftovers of interrupted writes.")
    boolean repair;

    @Option(names = "--format", paramLabel = "table|json", converter = OutputFormat.Converter.class)
    OutputFormat format = OutputFormat.TABLE;

    @Override
    public Integer call() {
        StoreCheck.Report report = new StoreCheck(GlobalOptions.store()).run(repair);
        PrintWriter out = spec.commandLine().getOut();
        if (format == OutputFormat.JSON) {
            OutputFormat.printJson(out, report);
        } else {
            for (StoreCheck.Problem p : report.problems()) {
                out.println((p.repaired() ? "repaired " : "") + p.kind() + ": " + p.subject() + ": " + p.detail());
            }
            out.println("checked " + report.blobsChecked() + " blobs and " + report.namesChecked() + " images: "
                    + (report.problems().isEmpty() ? "consistent"
                    : report.consistent() ? report.problems().size() + " problem(s), all repaired"
                    : report.problems().size() + " problem(s); run `berth system check --repair` to fix them"));
            out.flush();
        }
        if (!report.consistent()) {
            throw new CommandFailure("", ExitCodes.FAILURE);
        }
        return 0;
    }
}
