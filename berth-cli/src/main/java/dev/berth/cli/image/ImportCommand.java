package dev.berth.cli.image;

import dev.berth.cli.GlobalOptions;
import dev.berth.oci.OciException;
import dev.berth.oci.image.Compression;
import dev.berth.oci.image.ConfigChanges;
import dev.berth.oci.image.ContainerConfig;
import dev.berth.oci.image.Descriptor;
import dev.berth.oci.image.Platform;
import dev.berth.oci.layer.LayerOptions;
import dev.berth.oci.reference.Reference;
import dev.berth.oci.store.Image;
import dev.berth.oci.store.ImageStore;
import dev.berth.oci.store.Lease;
import dev.berth.oci.store.RootfsImporter;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code berth import FILE|- [REPOSITORY[:TAG]]}: a root filesystem tarball as a one-layer image, like docker import. */
@Command(name = "import", description = "Import a root filesystem tarball (tar, tar.gz, tar.zst) as an image.",
        mixinStandardHelpOptions = true)
public final class ImportCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE|-", description = "The tarball, or - for standard input.")
    String file;

    @Parameters(index = "1", arity = "0..1", paramLabel = "REPOSITORY[:TAG]")
    String name;

    @Option(names = {"-c", "--change"}, paramLabel = "INSTRUCTION",
            description = "Apply a Dockerfile instruction to the config (CMD, ENTRYPOINT, ENV, EXPOSE, LABEL, USER, VOLUME, WORKDIR, …).")
    List<String> changes = new ArrayList<>();

    @Option(names = {"-m", "--message"}, description = "Commit message for the imported image.")
    String message;

    @Option(names = "--platform", paramLabel = "OS/ARCH", description = "Platform of the image (default: this host's).")
    String platform;

    @Option(names = "--compression", paramLabel = "gzip|zstd|none", description = "Layer compression (default: gzip).")
    String compression = "gzip";

    @Override
    public Integer call() throws IOException {
        // Check everything the user typed before reading a byte.
        Reference target = name == null ? null : Reference.parse(name);
        if (target != null && target.digest() != null) {
            throw new OciException("cannot import to a digest reference: '" + name + "'");
        }
        ContainerConfig config = ConfigChanges.apply(ContainerConfig.EMPTY, changes);
        Platform p = platform == null ? Platform.host() : parsePlatform(platform);
        Compression c = Compression.parse(compression);
        long epoch = LayerOptions.sourceDateEpoch();
        Instant created = System.getenv("SOURCE_DATE_EPOCH") != null ? Instant.ofEpochSecond(epoch) : Instant.now();

        ImageStore store = GlobalOptions.store();
        try (InputStream in = open(); Lease lease = store.lease()) {
            Descriptor manifest = RootfsImporter.importRootfs(lease, new RootfsImporter.Request(
                    in, file, config, message, p, c, created));
            if (target != null) {
                store.tag(target, manifest);
            } else {
                store.addUntagged(manifest);
            }
            Image image = store.image(manifest, List.of());
            spec.commandLine().getOut().println(image.id());
            spec.commandLine().getOut().flush();
        }
        return 0;
    }

    private InputStream open() throws IOException {
        if (file.equals("-")) {
            return System.in;
        }
        try {
            return Files.newInputStream(Path.of(file));
        } catch (NoSuchFileException e) {
            throw new OciException("cannot import " + file + ": no such file");
        }
    }

    static Platform parsePlatform(String text) {
        String[] parts = text.split("/");
        if (parts.length < 2 || parts.length > 3 || parts[0].isEmpty() || parts[1].isEmpty()) {
            throw new OciException("invalid platform '" + text + "': expected OS/ARCH[/VARIANT], for example linux/amd64");
        }
        return new Platform(parts[1], parts[0], null, null, parts.length == 3 ? parts[2] : null);
    }
}
