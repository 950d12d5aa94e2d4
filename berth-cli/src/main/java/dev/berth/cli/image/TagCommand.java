package dev.berth.cli.image;

import dev.berth.cli.GlobalOptions;
import dev.berth.oci.OciException;
import dev.berth.oci.reference.Reference;
import dev.berth.oci.store.Image;
import dev.berth.oci.store.ImageStore;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code berth tag SOURCE TARGET}: another name for the same image. */
@Command(name = "tag", description = "Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE.", mixinStandardHelpOptions = true)
public final class TagCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "SOURCE_IMAGE[:TAG]")
    String source;

    @Parameters(index = "1", paramLabel = "TARGET_IMAGE[:TAG]")
    String target;

    @Override
    public Integer call() {
        Reference name = Reference.parse(target);
        if (name.digest() != null) {
            throw new OciException("refusing to create a tag with a digest reference: '" + target + "'");
        }
        ImageStore store = GlobalOptions.store();
        Image image = store.resolve(source);
        store.tag(name, image.root());
        return 0;
    }
}
