package dev.berth.cli.image;

import dev.berth.cli.GlobalOptions;
import dev.berth.cli.output.OutputFormat;
import dev.berth.cli.output.Table;
import dev.berth.cli.output.Units;
import dev.berth.oci.reference.Reference;
import dev.berth.oci.store.Image;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code berth images}: one row per name (and one per untagged image), newest first, as {@code docker images}. */
@Command(name = "images", description = "List images.", mixinStandardHelpOptions = true)
public final class ImagesCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(arity = "0..1", paramLabel = "REPOSITORY[:TAG]", description = "Only images of this repository (and tag).")
    String filter;

    @Option(names = "--digests", description = "Show manifest digests.")
    boolean digests;

    @Option(names = {"-q", "--quiet"}, description = "Only show image IDs.")
    boolean quiet;

    @Option(names = "--no-trunc", description = "Do not truncate IDs.")
    boolean noTrunc;

    @Option(names = "--format", paramLabel = "table|json", converter = OutputFormat.Converter.class,
            description = "table (default) or json (one JSON object per line, as docker).")
    OutputFormat format = OutputFormat.TABLE;

    /** One row of the listing. */
    record Row(String repository, String tag, String digest, String id, String created, long size) {
    }

    @Override
    public Integer call() {
        List<Row> rows = rows(GlobalOptions.store().images());
        PrintWriter out = spec.commandLine().getOut();
        if (quiet) {
            rows.stream().map(r -> noTrunc ? r.id() : shortId(r.id())).distinct().forEach(out::println);
            out.flush();
            return 0;
        }
        Instant now = Instant.now();
        if (format == OutputFormat.JSON) {
            for (Row r : rows) {
                Map<String, Object> json = new LinkedHashMap<>();
                json.put("Repository", r.repository());
                json.put("Tag", r.tag());
                json.put("Digest", r.digest());
                json.put("ID", noTrunc ? r.id() : shortId(r.id()));
                json.put("CreatedAt", r.created());
                json.put("CreatedSince", Units.ago(r.created(), now));
                json.put("Size", Units.humanSize(r.size()));
                json.put("SizeBytes", r.size());
                out.println(dev.berth.oci.json.Json.mapper().writeValueAsString(json));
            }
            out.flush();
            return 0;
        }
        Table table = digests
                ? new Table("REPOSITORY", "TAG", "DIGEST", "IMAGE ID", "CREATED", "SIZE")
                : new Table("REPOSITORY", "TAG", "IMAGE ID", "CREATED", "SIZE");
        for (Row r : rows) {
            String id = noTrunc ? r.id() : shortId(r.id());
            String created = Units.ago(r.created(), now);
            String size = Units.humanSize(r.size());
            if (digests) {
                table.row(r.repository(), r.tag(), r.digest(), id, created, size);
            } else {
                table.row(r.repository(), r.tag(), id, created, size);
            }
        }
        table.print(out);
        return 0;
    }

    private List<Row> rows(List<Image> images) {
        Reference wanted = filter == null ? null : Reference.parse(filter);
        boolean tagGiven = filter != null && filter.substring(filter.lastIndexOf('/') + 1).contains(":");
        List<Row> rows = new ArrayList<>();
        for (Image image : images) {
            String created = image.config().created();
            String id = image.id().toString();
            String digest = image.root().digest().toString();
            if (image.names().isEmpty()) {
                if (wanted == null) {
                    rows.add(new Row("<none>", "<none>", digest, id, created, image.size()));
                }
                continue;
            }
            for (String name : image.names()) {
                Reference ref = Reference.parse(name);
                if (wanted != null && (!ref.repository().equals(wanted.repository())
                        || (tagGiven && !ref.tag().equals(wanted.tag())))) {
                    continue;
                }
                rows.add(new Row(ref.name(), ref.tag(), digest, id, created, image.size()));
            }
        }
        rows.sort(Comparator.comparing((Row r) -> r.created() == null ? "" : r.created()).reversed()
                .thenComparing(Row::repository).thenComparing(Row::tag));
        return rows;
    }

    static String shortId(String id) {
        String hex = id.substring(id.indexOf(':') + 1);
        return hex.substring(0, Math.min(12, hex.length()));
    }
}
