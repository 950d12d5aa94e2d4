package dev.berth.daemon;

import static org.junit.jupiter.api.Assertions.fail;

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
import java.util.ArrayList;
import java.util.List;

/**
 * A two-layer busybox image for engine tests, from Debian's static busybox: the base layer has the applets, a user
 * "alice" (1000:1000, also in group "staff" 50) and a file the top layer deletes, so the overlay's whiteouts are used.
 */
final class TestImage {
    static final Path BUSYBOX = Path.of("/usr/bin/busybox");
    static final List<String> APPLETS = List.of("sh", "echo", "cat", "ls", "id", "hostname", "pwd", "env", "sleep", "true",
            "false", "seq", "touch", "mkdir", "httpd", "nc", "ps", "sort", "head", "grep", "wc", "mount", "dd", "ping", "date");

    private TestImage() {
    }

    static void build(ImageStore store, String name) {
        if (!Files.isExecutable(BUSYBOX)) {
            fail(BUSYBOX + " is missing: install the Debian package busybox-static (scripts/install-deps)");
        }
        List<LayerEntry> base = new ArrayList<>(List.of(
                LayerEntry.directory("bin", 0755), LayerEntry.directory("etc", 0755), LayerEntry.directory("tmp", 01777),
                LayerEntry.directory("home", 0755), LayerEntry.directory("srv", 0755),
                LayerEntry.file("bin/busybox", BUSYBOX, 0755),
                LayerEntry.file("etc/passwd", ("root:x:0:0:root:/root:/bin/sh\nalice:x:1000:1000:Alice:/home/alice:/bin/sh\n")
                        .getBytes(StandardCharsets.UTF_8), 0644),
                LayerEntry.file("etc/group", "root:x:0:\nstaff:x:50:alice\nalice:x:1000:\n".getBytes(StandardCharsets.UTF_8), 0644),
                LayerEntry.file("etc/doomed.txt", "the top layer deletes me\n".getBytes(StandardCharsets.UTF_8), 0644),
                LayerEntry.file("srv/index.html", "hello over http\n".getBytes(StandardCharsets.UTF_8), 0644)));
        for (String applet : APPLETS) {
            base.add(LayerEntry.symlink("bin/" + applet, "busybox"));
        }
        List<LayerEntry> top = List.of(LayerEntry.directory("etc", 0755),
                LayerEntry.file("etc/.wh.doomed.txt", new byte[0], 0644),
                LayerEntry.file("etc/top.txt", "from the top layer\n".getBytes(StandardCharsets.UTF_8), 0644));
        try (Lease lease = store.lease()) {
            List<Descriptor> layers = new ArrayList<>();
            List<String> diffIds = new ArrayList<>();
            for (List<LayerEntry> entries : List.of(base, top)) {
                try (BlobWriter writer = lease.writer()) {
                    WrittenLayer layer = LayerWriter.writeEntries(entries, writer, LayerOptions.defaults().withMtime(1704067200L));
                    layers.add(writer.commit(layer.blob().mediaType(), layer.blob().digest(), layer.blob().size()));
                    diffIds.add(layer.diffId().toString());
                }
            }
            ContainerConfig run = new ContainerConfig(null, null,
                    List.of("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "IMAGE_VAR=from-image"),
                    null, List.of("sh", "-c", "echo default command"), null, null, null, null, null, null, null, null);
            ImageConfig config = new ImageConfig("2024-01-01T00:00:00Z", null, Platform.host().architecture(), "linux", null,
                    null, null, run, ImageConfig.RootFs.layers(diffIds), List.of());
            Descriptor configDescriptor = lease.put(MediaTypes.OCI_CONFIG, Json.canonicalBytes(config));
            Descriptor manifest = lease.put(MediaTypes.OCI_MANIFEST, Json.canonicalBytes(Manifest.oci(configDescriptor, layers, null)));
            store.tag(Reference.parse(name), manifest);
        }
    }
}
