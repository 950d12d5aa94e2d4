package dev.berth.cli.system;

import dev.berth.build.cache.BuildCache;
import dev.berth.cli.GlobalOptions;
import dev.berth.cli.output.OutputFormat;
import dev.berth.cli.output.Table;
import dev.berth.cli.output.Units;
import dev.berth.oci.digest.Digest;
import dev.berth.oci.store.Image;
import dev.berth.oci.store.ImageStore;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code berth system df}: what the store holds and what garbage collection would free. */
@Command(name = "df", description = "Show disk usage.", mixinStandardHelpOptions = true)
public final class DfCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--format", paramLabel = "table|json", converter = OutputFormat.Converter.class)
    OutputFormat format = OutputFormat.TABLE;

    @Override
    public Integer call() {
        ImageStore store = GlobalOptions.store();
        List<Image> images = store.images();
        Set<Digest> reachable = new HashSet<>();
        for (Image image : images) {
            reachable.addAll(store.closure(image.root(), new ArrayList<>()));
        }
        long total = 0;
        long unreachable = 0;
        int blobs = 0;
        for (Digest d : store.content().list()) {
            long size = store.content().size(d);
            total += size;
            blobs++;
            if (!reachable.contains(d)) {
                unreachable += size;
            }
        }
        long tagged = images.stream().filter(i -> !i.names().isEmpty()).count();
        BuildCache.Usage cache = BuildCache.open(GlobalOptions.rootDir(), store).usage();
        var out = spec.commandLine().getOut();
        if (format == OutputFormat.JSON) {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("Images", images.size());
            json.put("Tagged", tagged);
            json.put("Blobs", blobs);
            json.put("Size", total);
            json.put("Reclaimable", unreachable);
            json.put("BuildCache", Map.of("Entries", cache.entries(), "Layers", cache.layers(), "CacheMounts",
                    cache.cacheMounts(), "Size", cache.totalBytes()));
            OutputFormat.printJson(out, json);
            return 0;
        }
        new Table("TYPE", "TOTAL", "ACTIVE", "SIZE", "RECLAIMABLE")
                .row("Images", Integer.toString(images.size()), Long.toString(tagged), Units.humanSize(total),
                        Units.humanSize(unreachable) + (total == 0 ? "" : " (" + (100 * unreachable / total) + "%)"))
                .row("Build Cache", Integer.toString(cache.entries()), "0", Units.humanSize(cache.totalBytes()),
                        Units.humanSize(cache.totalBytes()))
                .print(out);
        return 0;
    }
}
