package dev.berth.cli.layer;

import dev.berth.cli.output.OutputFormat;
import dev.berth.oci.OciException;
import dev.berth.oci.image.Compression;
import dev.berth.oci.layer.LayerOptions;
import dev.berth.oci.layer.LayerWriter;
import dev.berth.oci.layer.WrittenLayer;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code berth layer create DIR -o FILE}: a directory as a reproducible layer blob (sorted entries, fixed mtimes from
 * SOURCE_DATE_EPOCH, owner 0:0), printing its digest and diffID.
 */
@Command(name = "create", description = "Write a directory as a reproducible OCI layer (tar+gzip by default).",
        mixinStandardHelpOptions = true)
public final class LayerCreateCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "DIR")
    Path dir;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "FILE", description = "Where to write the layer (- for stdout).")
    String output;

    @Option(names = "--compression", paramLabel = "gzip|zstd|none", description = "Default: gzip.")
    String compression = "gzip";

    @Option(names = "--level", paramLabel = "N", description = "Compression level (gzip 1-9, default 6; zstd 1-22, default 3).")
    Integer level;

    @Option(names = "--format", paramLabel = "table|json", converter = OutputFormat.Converter.class)
    OutputFormat format = OutputFormat.TABLE;

    @Override
    public Integer call() throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new OciException("not a directory: " + dir);
        }
        Compression c = Compression.parse(compression);
        LayerOptions options = LayerOptions.defaults().withCompression(c);
        if (level != null) {
            options = options.withLevel(level);
        }
        WrittenLayer layer;
        if (output.equals("-")) {
            OutputStream out = new BufferedOutputStream(System.out, 1 << 16);
            layer = LayerWriter.writeTree(dir, out, options);
            out.flush();
            return 0;
        }
        Path target = Path.of(output);
        Path tmp = target.resolveSibling("." + target.getFileName() + ".partial");
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16)) {
            layer = LayerWriter.writeTree(dir, out, options);
        } catch (RuntimeException | IOException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        Files.move(tmp, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        var out = spec.commandLine().getOut();
        if (format == OutputFormat.JSON) {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("descriptor", layer.blob());
            json.put("diffID", layer.diffId().toString());
            json.put("uncompressedSize", layer.uncompressedSize());
            OutputFormat.printJson(out, json);
        } else {
            out.println("mediaType: " + layer.blob().mediaType());
            out.println("digest:    " + layer.blob().digest());
            out.println("size:      " + layer.blob().size());
            out.println("diffID:    " + layer.diffId());
            out.flush();
        }
        return 0;
    }

}
