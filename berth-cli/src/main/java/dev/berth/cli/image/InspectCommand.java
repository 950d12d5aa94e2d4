package dev.berth.cli.image;

import dev.berth.cli.CommandFailure;
import dev.berth.cli.ExitCodes;
import dev.berth.cli.GlobalOptions;
import dev.berth.cli.output.OutputFormat;
import dev.berth.oci.OciException;
import dev.berth.oci.json.Json;
import dev.berth.oci.reference.Reference;
import dev.berth.oci.store.Image;
import dev.berth.oci.store.ImageStore;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code berth inspect IMAGE...}: a JSON array with Docker's image fields, plus the OCI manifest and root descriptor. */
@Command(name = "inspect", description = "Show details of images or containers as JSON.", mixinStandardHelpOptions = true)
public final class InspectCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "IMAGE")
    List<String> images;

    private static Object containerNamed(String name) {
        if (!name.matches("[a-zA-Z0-9][a-zA-Z0-9_.-]*")) {
            return null; // not a container name or ID
        }
        try {
            return dev.berth.cli.container.ContainerCommand.inspectIfContainer(name);
        } catch (RuntimeException e) {
            return null;
        }
    }

    @Override
    public Integer call() {
        ImageStore store = GlobalOptions.store();
        List<Object> results = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        for (String name : images) {
            try {
                results.add(describe(store, store.resolve(name)));
            } catch (OciException e) {
                // as docker inspect: a name that is no image may be a container
                Object container = containerNamed(name);
                if (container != null) {
                    results.add(container);
                } else {
                    errors.add(e.getMessage());
                }
            }
        }
        PrintWriter out = spec.commandLine().getOut();
        OutputFormat.printJson(out, results);
        if (!errors.isEmpty()) {
            throw new CommandFailure(String.join("\n", errors), ExitCodes.FAILURE);
        }
        return 0;
    }

    static Map<String, Object> describe(ImageStore store, Image image) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("Id", image.id().toString());
        json.put("RepoTags", image.names().stream().map(n -> Reference.parse(n).familiar()).toList());
        json.put("RepoDigests", image.names().stream()
                .map(n -> Reference.parse(n).repositoryOnly().withDigest(image.root().digest()).familiar())
                .distinct().toList());
        json.put("Created", image.config().created());
        json.put("Author", image.config().author());
        json.put("Architecture", image.config().architecture());
        json.put("Variant", image.config().variant());
        json.put("Os", image.config().os());
        json.put("Size", image.size());
        json.put("Config", image.config().containerConfig());
        Map<String, Object> model = ModelSection.of(image.config().containerConfig().labels());
        if (model != null) {
            json.put("Model", model);
        }
        Map<String, Object> rootfs = new LinkedHashMap<>();
        rootfs.put("Type", "layers");
        rootfs.put("Layers", image.config().diffIds());
        json.put("RootFS", rootfs);
        json.put("History", image.config().history());
        json.put("Descriptor", image.root());
        json.put("Manifest", Json.tree(store.content().read(image.manifestDescriptor().digest()), "manifest"));
        return json;
    }
}
