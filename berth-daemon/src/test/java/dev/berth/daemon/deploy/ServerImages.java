package dev.berth.daemon.deploy;

import static org.junit.jupiter.api.Assertions.fail;

import dev.berth.model.ModelLabels;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Stand-ins for model server images, made of Debian's static busybox: {@code httpd} serves the readiness path, the
 * version at {@code /v2/models/m} ("v1\n"), the replica's hostname at {@code /whoami} (to tell replicas apart), and a CGI
 * at {@code /cgi-bin/infer} that answers a POST with the version and the body it got. SIGTERM ends the server at once.
 */
final class ServerImages {
    static final Path BUSYBOX = Path.of("/usr/bin/busybox");
    private static final List<String> APPLETS = List.of("sh", "httpd", "hostname", "cat", "head", "echo", "sleep", "true");

    private ServerImages() {
    }

    /**
     * A server of {@code version} on {@code port}, ready unless {@code ready} is false. A port other than 8080 is
     * labelled, with default limits of 96 MiB and half a CPU.
     */
    static void server(ImageStore store, String name, String version, int port, boolean ready) {
        String script = "trap 'exit 0' TERM; hostname > /www/whoami; httpd -f -p " + port + " -h /www & wait";
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(ModelLabels.NAME, "m");
        labels.put(ModelLabels.VERSION, version);
        if (port != ModelLabels.DEFAULT_PORT) {
            labels.put(ModelLabels.PORT, Integer.toString(port));
            // and limits chosen at packaging, which deployments take unless told otherwise
            labels.put(ModelLabels.MEMORY, Long.toString(96L << 20));
            labels.put(ModelLabels.CPUS, "0.5");
        }
        List<LayerEntry> files = new ArrayList<>(List.of(
                LayerEntry.directory("www", 0755), LayerEntry.directory("www/v2", 0755),
                LayerEntry.directory("www/v2/models", 0755), LayerEntry.directory("www/cgi-bin", 0755),
                LayerEntry.file("www/v2/models/m", ("v" + version + "\n").getBytes(StandardCharsets.UTF_8), 0644),
                LayerEntry.file("www/cgi-bin/infer", ("#!/bin/sh\necho 'Content-Type: text/plain'\necho\necho v" + version
                        + "\nhead -c \"$CONTENT_LENGTH\"\n").getBytes(StandardCharsets.UTF_8), 0755)));
        if (ready) {
            files.add(LayerEntry.directory("www/v2/health", 0755));
            files.add(LayerEntry.file("www/v2/health/ready", "ready\n".getBytes(StandardCharsets.UTF_8), 0644));
        }
        build(store, name, files, List.of("sh", "-c", script), labels);
    }

    /** An image whose server dies at once, saying why on stderr. */
    static void crashing(ImageStore store, String name) {
        build(store, name, List.of(), List.of("sh", "-c", "echo 'model file is corrupt' >&2; exit 3"),
                Map.of(ModelLabels.NAME, "m", ModelLabels.VERSION, "crash"));
    }

    private static void build(ImageStore store, String name, List<LayerEntry> extra, List<String> cmd, Map<String, String> labels) {
        if (!Files.isExecutable(BUSYBOX)) {
            fail(BUSYBOX + " is missing: install the Debian package busybox-static (scripts/install-deps)");
        }
        List<LayerEntry> base = new ArrayList<>(List.of(LayerEntry.directory("bin", 0755), LayerEntry.directory("etc", 0755),
                LayerEntry.directory("tmp", 01777), LayerEntry.file("bin/busybox", BUSYBOX, 0755),
                LayerEntry.file("etc/passwd", "root:x:0:0:root:/root:/bin/sh\n".getBytes(StandardCharsets.UTF_8), 0644)));
        for (String applet : APPLETS) {
            base.add(LayerEntry.symlink("bin/" + applet, "busybox"));
        }
        try (Lease lease = store.lease()) {
            List<Descriptor> layers = new ArrayList<>();
            List<String> diffIds = new ArrayList<>();
            for (List<LayerEntry> entries : extra.isEmpty() ? List.of(base) : List.of(base, extra)) {
                try (BlobWriter writer = lease.writer()) {
                    WrittenLayer layer = LayerWriter.writeEntries(entries, writer, LayerOptions.defaults().withMtime(1704067200L));
                    layers.add(writer.commit(layer.blob().mediaType(), layer.blob().digest(), layer.blob().size()));
                    diffIds.add(layer.diffId().toString());
                }
            }
            ContainerConfig run = new ContainerConfig(null, null, List.of("PATH=/bin"), null, cmd, null, null, labels, null,
                    null, null, null, null);
            ImageConfig config = new ImageConfig("2024-01-01T00:00:00Z", null, Platform.host().architecture(), "linux", null,
                    null, null, run, ImageConfig.RootFs.layers(diffIds), List.of());
            Descriptor configDescriptor = lease.put(MediaTypes.OCI_CONFIG, Json.canonicalBytes(config));
            Descriptor manifest = lease.put(MediaTypes.OCI_MANIFEST, Json.canonicalBytes(Manifest.oci(configDescriptor, layers, null)));
            store.tag(Reference.parse(name), manifest);
        }
    }
}
