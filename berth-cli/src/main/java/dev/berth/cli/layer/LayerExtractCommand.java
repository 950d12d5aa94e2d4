package dev.berth.cli.layer;

import dev.berth.oci.OciException;
import dev.berth.oci.layer.ExtractOptions;
import dev.berth.oci.layer.ExtractResult;
import dev.berth.oci.layer.LayerExtractor;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code berth layer extract FILE DIR}: apply a layer to a directory with the hostile-archive checks and whiteouts. */
@Command(name = "extract", description = "Apply a layer (tar, tar.gz, tar.zst) onto a directory, safely.",
        mixinStandardHelpOptions = true)
public final class LayerExtractCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE|-")
    String file;

    @Parameters(index = "1", paramLabel = "DIR")
    Path dir;

    @Option(names = "--allow-devices", description = "Create device nodes and FIFOs instead of refusing them.")
    boolean allowDevices;

    @Override
    public Integer call() throws IOException {
        Files.createDirectories(dir);
        try (InputStream in = file.equals("-") ? System.in : new BufferedInputStream(Files.newInputStream(Path.of(file)))) {
            ExtractResult r = LayerExtractor.extract(in, dir, ExtractOptions.defaults().withSpecialFiles(allowDevices));
            spec.commandLine().getOut().println(r.entries() + " entries, diffID " + r.diffId());
            spec.commandLine().getOut().flush();
        } catch (NoSuchFileException e) {
            throw new OciException("no such file: " + file);
        }
        return 0;
    }
}
