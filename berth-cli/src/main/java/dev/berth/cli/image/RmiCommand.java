package dev.berth.cli.image;

import dev.berth.cli.CommandFailure;
import dev.berth.cli.ExitCodes;
import dev.berth.cli.GlobalOptions;
import dev.berth.oci.OciException;
import dev.berth.oci.digest.Digest;
import dev.berth.oci.reference.Reference;
import dev.berth.oci.store.GarbageCollector;
import dev.berth.oci.store.ImageStore;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code berth rmi IMAGE...}: untag, delete the images that lose their last name, and free their blobs. */
@Command(name = "rmi", description = "Remove one or more images.", mixinStandardHelpOptions = true)
public final class RmiCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "IMAGE")
    List<String> images;

    @Option(names = {"-f", "--force"}, description = "Remove the image even if it has several names.")
    boolean force;

    @Override
    public Integer call() {
        ImageStore store = GlobalOptions.store();
        PrintWriter out = spec.commandLine().getOut();
        List<String> errors = new ArrayList<>();
        boolean deletedAny = false;
        for (String name : images) {
            try {
                ImageStore.Removal removal = store.remove(name, force);
                for (String untagged : removal.untagged()) {
                    out.println("Untagged: " + Reference.parse(untagged).familiar());
                }
                for (Digest deleted : removal.deleted()) {
                    out.println("Deleted: " + deleted);
                    deletedAny = true;
                }
            } catch (OciException e) {
                errors.add(e.getMessage());
            }
        }
        out.flush();
        if (deletedAny) {
            new GarbageCollector(store).collect();
        }
        if (!errors.isEmpty()) {
            throw new CommandFailure(String.join("\n", errors), ExitCodes.FAILURE);
        }
        return 0;
    }
}
