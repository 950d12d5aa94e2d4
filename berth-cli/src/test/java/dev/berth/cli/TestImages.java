package dev.berth.cli;

import dev.berth.oci.image.Compression;
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
import java.util.ArrayList;
import java.util.List;

/** Images made in a store for the CLI tests: one layer per list of entries. */
final class TestImages {
    private TestImages() {
    }

    static Descriptor build(ImageStore store, String name, Compression compression, List<List<LayerEntry>> layers) {
        try (Lease lease = store.lease()) {
            List<Descriptor> blobs = new ArrayList<>();
            List<String> diffIds = new ArrayList<>();
            for (List<LayerEntry> entries : layers) {
                try (BlobWriter writer = lease.writer()) {
                    WrittenLayer layer = LayerWriter.writeEntries(entries, writer,
                            LayerOptions.defaults().withCompression(compression).withMtime(1704067200L));
                    blobs.add(writer.commit(layer.blob().mediaType(), layer.blob().digest(), layer.blob().size()));
                    diffIds.add(layer.diffId().toString());
                }
            }
            ContainerConfig run = new ContainerConfig(null, null, List.of("PATH=/bin"), null, List.of("/bin/true"), null, null,
                    null, null, null, null, null, null);
            ImageConfig config = new ImageConfig("2024-01-01T00:00:00Z", null, Platform.host().architecture(), "linux", null, null,
                    null, run, ImageConfig.RootFs.layers(diffIds), List.of());
            Descriptor configDescriptor = lease.put(MediaTypes.OCI_CONFIG, Json.canonicalBytes(config));
            Descriptor manifest = lease.put(MediaTypes.OCI_MANIFEST, Json.canonicalBytes(Manifest.oci(configDescriptor, blobs, null)));
            store.tag(Reference.parse(name), manifest);
            return manifest;
        }
    }

    static Descriptor small(ImageStore store, String name) {
        return build(store, name, Compression.GZIP, List.of(List.of(
                LayerEntry.directory("etc", 0755),
                LayerEntry.file("etc/hello.txt", "hello from the cli test\n".getBytes(java.nio.charset.StandardCharsets.UTF_8), 0644))));
    }
}
