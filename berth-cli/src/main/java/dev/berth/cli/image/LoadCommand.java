package dev.berth.cli.image;

import dev.berth.cli.GlobalOptions;
import dev.berth.oci.OciException;
import dev.berth.oci.archive.ImageArchiveReader;
import dev.berth.oci.archive.LoadedImage;
import java.io.BufferedInputStream;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code berth load [-i FILE]}: reads an image archive (docker save or OCI layout format, plain, gzip or zstd) from a
 * file or standard input and names the images in it, printing "Loaded image: NAME" (or "Loaded image ID: ID") as
 * Docker does. A refused archive names nothing.
 */
@Command(name = "load", description = "Load images from a tar archive or STDIN.", mixinStandardHelpOptions = true)
public final class LoadCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = {"-i", "--input"}, paramLabel = "FILE", description = "Read from a tar archive file instead of STDIN ('-' for STDIN).")
    String input;

    @Option(names = {"-q", "--quiet"}, description = "Accepted for compatibility: berth load prints no progress.")
    boolean quiet;

    @Override
    public Integer call() throws IOException {
        InputStream in;
        if (input == null || input.equals("-")) {
            var console = System.console();
            if (input == null && console != null && console.isTerminal()) {
                throw new OciException("requested load from stdin, but stdin is empty");
            }
            in = new FileInputStream(FileDescriptor.in);
        } else {
            try {
                in = Files.newInputStream(Path.of(input));
            } catch (NoSuchFileException e) {
                throw new OciException("open " + input + ": no such file or directory");
            } catch (IOException e) {
                throw new OciException("open " + input + ": " + e.getMessage(), e);
            }
        }
        List<LoadedImage> loaded;
        try (InputStream archive = new BufferedInputStream(in, 1 << 20)) {
            loaded = new ImageArchiveReader(GlobalOptions.store()).load(archive);
        }
        PrintWriter out = spec.commandLine().getOut();
        for (LoadedImage image : loaded) {
            image.messages().forEach(out::println);
        }
        out.flush();
        return 0;
    }
}
