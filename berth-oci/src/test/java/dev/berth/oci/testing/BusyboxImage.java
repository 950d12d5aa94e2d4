package dev.berth.oci.testing;

import static org.junit.jupiter.api.Assertions.fail;

import dev.berth.oci.digest.Digest;
import dev.berth.oci.image.ContainerConfig;
import dev.berth.oci.image.Descriptor;
import dev.berth.oci.image.ImageConfig;
import dev.berth.oci.image.Manifest;
import dev.berth.oci.image.MediaTypes;
import dev.berth.oci.image.Platform;
import dev.berth.oci.json.Json;
import dev.berth.oci.layer.LayerEntry;
import dev.berth.oci.layer.LayerOptions;
import dev.berth.oci.layer.LayerWriter;
import dev.berth.oci.layer.WrittenLayer;
import dev.berth.oci.reference.Reference;
import dev.berth.oci.store.BlobWriter;
import dev.berth.oci.store.ImageStore;
import dev.berth.oci.store.Lease;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A real, runnable image for tests: Debian's static busybox ({@code /usr/bin/busybox}, package busybox-static) as
 * {@code /bin/busybox} with {@code sh}, {@code echo}, {@code cat} and {@code ls} linked to it, a known file
 * {@link #TEST_FILE}, and {@code CMD ["/bin/sh","-c","echo hello from berth"]}. Everything is fixed (timestamps, owner,
 * compression level), so building it twice gives the same digests.
 */
public final class BusyboxImage {
    public static final Path BUSYBOX = Path.of("/usr/bin/busybox");
    /** Layer path of the known file. */
    public static final String TEST_FILE = "etc/berth-test.txt";
    public static final String TEST_FILE_CONTENT = "Berth test image: this file came through intact.\n";
    /** What the image's default command prints. */
    public static final String GREETING = "hello from berth";
    public static final String CREATED = "2024-01-01T00:00:00Z";
    public static final long MTIME = 1704067200L;
    public static final List<String> CMD = List.of("/bin/sh", "-c", "echo " + GREETING);
    public static final String PATH_ENV = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    public static final List<String> APPLETS = List.of("sh", "echo", "cat", "ls");

    /** What was built: the manifest the name points at, the config (whose digest is the image ID) and the layer. */
    public record Built(Reference name, Descriptor manifest, Descriptor config, Descriptor layer, Digest diffId) {
        public Digest id() {
            return config.digest();
        }
    }

    private BusyboxImage() {
    }

    /** Fails the test, naming the Debian package, if the static busybox is not installed. */
    public static void requireBusybox() {
        if (!Files.isRegularFile(BUSYBOX) || !Files.isExecutable(BUSYBOX)) {
            fail(BUSYBOX + " is missing: install the Debian package busybox-static (apt-get install busybox-static)");
        }
    }

    /** The layer's entries, sorted by the writer. */
    public static List<LayerEntry> entries() {
        requireBusybox();
        List<LayerEntry> entries = new java.util.ArrayList<>(List.of(
                LayerEntry.directory("bin", 0755),
                LayerEntry.directory("etc", 0755),
                LayerEntry.directory("tmp", 01777),
                LayerEntry.file("bin/busybox", BUSYBOX, 0755),
                LayerEntry.file(TEST_FILE, TEST_FILE_CONTENT.getBytes(StandardCharsets.UTF_8), 0644)));
        for (String applet : APPLETS) {
            entries.add(LayerEntry.symlink("bin/" + applet, "busybox"));
        }
        return entries;
    }

    /** Builds the image into {@code store} and names it {@code name} (for example {@code busybox:latest}). */
    public static Built build(ImageStore store, String name) {
        Reference reference = Reference.parse(name);
        try (Lease lease = store.lease()) {
            WrittenLayer layer;
            try (BlobWriter writer = lease.writer()) {
                layer = LayerWriter.writeEntries(entries(), writer, LayerOptions.defaults().withMtime(MTIME));
                writer.commit(layer.blob().mediaType(), layer.blob().digest(), layer.blob().size());
            }
            ContainerConfig run = new ContainerConfig(null, null, List.of(PATH_ENV), null, CMD, null, null, null, null,
                    null, null, null, null);
            ImageConfig config = new ImageConfig(CREATED, null, Platform.host().architecture(), "linux", null, null, null, run,
                    ImageConfig.RootFs.layers(List.of(layer.diffId().toString())),
                    List.of(new ImageConfig.History(CREATED, "berth test fixture: static busybox", null, null, null)));
            Descriptor configDescriptor = lease.put(MediaTypes.OCI_CONFIG, Json.canonicalBytes(config));
            Descriptor manifest = lease.put(MediaTypes.OCI_MANIFEST,
                    Json.canonicalBytes(Manifest.oci(configDescriptor, List.of(layer.blob()), null)));
            store.tag(reference, manifest);
            return new Built(reference, manifest, configDescriptor, layer.blob(), layer.diffId());
        }
    }
}
