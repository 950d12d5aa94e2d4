package dev.berth.cli.system;

import dev.berth.cli.GlobalOptions;
import dev.berth.cli.output.Units;
import dev.berth.oci.store.GarbageCollector;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;

/** {@code berth system gc}: delete blobs that no image and no running write reaches. */
@Command(name = "gc", description = "Remove blobs that no image references (safe while other commands run).",
        mixinStandardHelpOptions = true)
public final class GcCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        GarbageCollector.Result r = new GarbageCollector(GlobalOptions.store()).collect();
        var out = spec.commandLine().getOut();
        out.println("Deleted " + r.blobsRemoved() + " blob(s), " + r.ingestFilesRemoved() + " unfinished write(s)");
        out.println("Total reclaimed space: " + Units.humanSize(r.bytesFreed()));
        out.flush();
        return 0;
    }
}
