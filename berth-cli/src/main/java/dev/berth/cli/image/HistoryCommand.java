package dev.berth.cli.image;

import dev.berth.cli.GlobalOptions;
import dev.berth.cli.output.OutputFormat;
import dev.berth.cli.output.Table;
import dev.berth.cli.output.Units;
import dev.berth.oci.image.Descriptor;
import dev.berth.oci.image.ImageConfig;
import dev.berth.oci.store.Image;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code berth history IMAGE}: the config's history, newest first, each step with the layer it made. */
@Command(name = "history", description = "Show the history of an image.", mixinStandardHelpOptions = true)
public final class HistoryCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "IMAGE")
    String image;

    @Option(names = "--no-trunc", description = "Do not truncate output.")
    boolean noTrunc;

    @Option(names = "--format", paramLabel = "table|json", converter = OutputFormat.Converter.class)
    OutputFormat format = OutputFormat.TABLE;

    /** One step: history entry plus the layer it added (null for an empty layer). */
    record Step(String created, String createdBy, String comment, Descriptor layer) {
    }

    @Override
    public Integer call() {
        Image img = GlobalOptions.store().resolve(image);
        List<Step> steps = steps(img);
        PrintWriter out = spec.commandLine().getOut();
        Instant now = Instant.now();
        if (format == OutputFormat.JSON) {
            for (int i = steps.size() - 1; i >= 0; i--) {
                Step s = steps.get(i);
                Map<String, Object> json = new LinkedHashMap<>();
                json.put("ID", i == steps.size() - 1 ? img.id().toString() : "<missing>");
                json.put("CreatedAt", s.created());
                json.put("CreatedSince", Units.ago(s.created(), now));
                json.put("CreatedBy", s.createdBy());
                json.put("Size", s.layer() == null ? 0 : s.layer().size());
                json.put("LayerDigest", s.layer() == null ? null : s.layer().digest().toString());
                json.put("Comment", s.comment());
                out.println(dev.berth.oci.json.Json.mapper().writeValueAsString(json));
            }
            out.flush();
            return 0;
        }
        Table table = new Table("IMAGE", "CREATED", "CREATED BY", "SIZE", "COMMENT");
        for (int i = steps.size() - 1; i >= 0; i--) {
            Step s = steps.get(i);
            String id = i == steps.size() - 1 ? (noTrunc ? img.id().toString() : img.id().shortHex()) : "<missing>";
            String by = s.createdBy() == null ? "" : s.createdBy();
            if (!noTrunc && by.length() > 45) {
                by = by.substring(0, 44) + "…";
            }
            table.row(id, Units.ago(s.created(), now), by, Units.humanSize(s.layer() == null ? 0 : s.layer().size()),
                    s.comment() == null ? "" : s.comment());
        }
        table.print(out);
        return 0;
    }

    /** Pairs history entries with layers: each entry that is not an empty layer consumed the next layer. */
    static List<Step> steps(Image img) {
        List<Descriptor> layers = img.manifest().layers();
        List<Step> steps = new ArrayList<>();
        int next = 0;
        for (ImageConfig.History h : img.config().history()) {
            Descriptor layer = null;
            if (!h.isEmptyLayer() && next < layers.size()) {
                layer = layers.get(next++);
            }
            steps.add(new Step(h.created(), h.createdBy(), h.comment(), layer));
        }
        // Layers without history (some tools write none): one step each.
        while (next < layers.size()) {
            steps.add(new Step(img.config().created(), "", "", layers.get(next++)));
        }
        return steps;
    }
}
