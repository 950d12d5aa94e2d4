package dev.berth.oci.store;

import dev.berth.oci.image.ContainerConfig;
import dev.berth.oci.image.Descriptor;
import dev.berth.oci.image.ImageConfig;
import dev.berth.oci.layer.LayerEntry;
import dev.berth.oci.layer.LayerOptions;
import dev.berth.oci.layer.LayerWriter;
import dev.berth.oci.layer.WrittenLayer;
import dev.berth.oci.reference.Reference;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Small real images for store tests: one layer holding one text file, config and manifest written by Berth. */
final class TestImages {
    private TestImages() {
    }

    /** Writes (but does not name) an image whose single file says {@code content}. */
    static Descriptor write(ImageStore store, Lease lease, String content) {
        WrittenLayer layer;
        try (BlobWriter writer = lease.writer()) {
            layer = LayerWriter.writeEntries(
                    List.of(LayerEntry.file("hello.txt", content.getBytes(StandardCharsets.UTF_8), 0644)), writer,
                    LayerOptions.defaults().withMtime(0));
            layer = new WrittenLayer(writer.commit(layer.blob().mediaType()), layer.diffId(), layer.uncompressedSize());
        }
        ImageConfig config = new ImageConfig("2026-01-01T00:00:00Z", null, "amd64", "linux", null, null, null,
                ContainerConfig.EMPTY.withCmd(List.of("/bin/sh")), null,
                List.of(new ImageConfig.History("2026-01-01T00:00:00Z", "test " + content, null, null, null)));
        return ImageAssembler.assemble(lease, config, List.of(layer), null);
    }

    /** Writes an image and names it. */
    static Descriptor named(ImageStore store, String name, String content) {
        try (Lease lease = store.lease()) {
            Descriptor manifest = write(store, lease, content);
            store.tag(Reference.parse(name), manifest);
            return manifest;
        }
    }
}
