package dev.berth.registry.client;

import dev.berth.oci.image.Compression;
import dev.berth.oci.image.ContainerConfig;
import dev.berth.oci.image.Descriptor;
import dev.berth.oci.image.ImageConfig;
import dev.berth.oci.image.Index;
import dev.berth.oci.image.Manifest;
import dev.berth.oci.image.MediaTypes;
import dev.berth.oci.image.Platform;
import dev.berth.oci.json.Json;
import dev.berth.oci.layer.LayerEntry;
import dev.berth.oci.layer.LayerOptions;
import dev.berth.oci.layer.LayerWriter;
import dev.berth.oci.layer.WrittenLayer;
import dev.berth.oci.store.BlobWriter;
import dev.berth.oci.store.ImageStore;
import dev.berth.oci.store.Lease;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Images built in a store for the client tests. */
final class TestImages {
    private TestImages() {
    }

    /** A manifest with one layer per content (a file /data/N), for a platform; committed under the lease. */
    static Descriptor manifest(Lease lease, Platform platform, List<byte[]> contents) throws Exception {
        List<Descriptor> blobs = new ArrayList<>();
        List<String> diffIds = new ArrayList<>();
        int i = 0;
        for (byte[] content : contents) {
            try (BlobWriter writer = lease.writer()) {
                WrittenLayer layer = LayerWriter.writeEntries(List.of(LayerEntry.directory("data", 0755),
                                LayerEntry.file("data/" + (i++), content, 0644)), writer,
                        LayerOptions.defaults().withCompression(Compression.GZIP).withMtime(1704067200L));
                blobs.add(writer.commit(layer.blob().mediaType(), layer.blob().digest(), layer.blob().size()));
                diffIds.add(layer.diffId().toString());
            }
        }
        ContainerConfig run = new ContainerConfig(null, null, List.of("PATH=/bin"), null, List.of("/bin/true"), null, null,
                null, null, null, null, null, null);
        ImageConfig config = new ImageConfig("2024-01-01T00:00:00Z", null, platform.architecture(), platform.os(), null, null,
                platform.variant(), run, ImageConfig.RootFs.layers(diffIds), List.of());
        Descriptor configDescriptor = lease.put(MediaTypes.OCI_CONFIG, Json.canonicalBytes(config));
        return lease.put(MediaTypes.OCI_MANIFEST, Json.canonicalBytes(Manifest.oci(configDescriptor, blobs, null)));
    }

    /** A named single-platform image (host platform) with layers of the given contents. */
    static Descriptor image(ImageStore store, String name, List<byte[]> contents) throws Exception {
        try (Lease lease = store.lease()) {
            Descriptor m = manifest(lease, Platform.host(), contents);
            store.tag(dev.berth.oci.reference.Reference.parse(name), m);
            return m;
        }
    }

    /** A named index of linux/amd64 and linux/arm64 manifests with different layers. */
    static Descriptor multiPlatform(ImageStore store, String name) throws Exception {
        try (Lease lease = store.lease()) {
            Descriptor amd = manifest(lease, Platform.of("linux", "amd64"), List.of(bytes("amd64 layer")))
                    .withPlatform(Platform.of("linux", "amd64"));
            Descriptor arm = manifest(lease, Platform.of("linux", "arm64"), List.of(bytes("arm64 layer")))
                    .withPlatform(Platform.of("linux", "arm64"));
            Descriptor index = lease.put(MediaTypes.OCI_INDEX, Json.canonicalBytes(Index.oci(List.of(amd, arm))));
            store.tag(dev.berth.oci.reference.Reference.parse(name), index);
            return index;
        }
    }

    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** Incompressible bytes, so a gzip layer is about as large. */
    static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }
}
