package dev.berth.cli.image;

import dev.berth.cli.GlobalOptions;
import dev.berth.oci.OciException;
import dev.berth.oci.archive.ArchiveFormat;
import dev.berth.oci.archive.ImageArchiveWriter;
import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code berth save [-o FILE] [--format docker|oci] IMAGE...}: writes images to a tar archive, or to standard output.
 * A file is written beside its final name and renamed into place when complete, so a failed save leaves no partial
 * archive.
 */
@Command(name = "save", description = "Save one or more images to a tar archive (streamed to STDOUT by default).",
        mixinStandardHelpOptions = true)
public final class SaveCommand implements Callable<Integer> {
    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write to a file instead of STDOUT ('-' for STDOUT).")
    String output;

    @Option(names = "--format", paramLabel = "docker|oci", defaultValue = "docker",
            description = "Archive format: docker (docker save's manifest.json, read by docker and podman load) or oci"
                    + " (an OCI image layout). Default: ${DEFAULT-VALUE}.")
    String format;

    @Parameters(arity = "1..*", paramLabel = "IMAGE")
    List<String> images;

    @Override
    public Integer call() throws IOException {
        ArchiveFormat archiveFormat = ArchiveFormat.parse(format);
        ImageArchiveWriter writer = new ImageArchiveWriter(GlobalOptions.store());
        List<ImageArchiveWriter.Selected> selected = writer.select(images);
        if (output == null || output.equals("-")) {
            var console = System.console();
            if (output == null && console != null && console.isTerminal()) {
                throw new OciException("refusing to write an image archive to a terminal: use -o FILE or redirect standard output");
            }
            OutputStream out = new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 1 << 20);
            writer.write(selected, archiveFormat, out);
            out.flush();
            return 0;
        }
        Path target = Path.of(output).toAbsolutePath();
        if (Files.isDirectory(target)) {
            throw new OciException("cannot save to " + output + ": it is a directory");
        }
        Path dir = target.getParent();
        Path tmp = dir.resolve("." + target.getFileName() + ".tmp-" + Long.toHexString(ThreadLocalRandom.current().nextLong()));
        try {
            try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                OutputStream out = new BufferedOutputStream(java.nio.channels.Channels.newOutputStream(channel), 1 << 20);
                writer.write(selected, archiveFormat, out);
                out.flush();
                channel.force(true);
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new OciException("cannot save to " + output + ": " + e.getMessage(), e);
        } finally {
            Files.deleteIfExists(tmp);
        }
        return 0;
    }
}
