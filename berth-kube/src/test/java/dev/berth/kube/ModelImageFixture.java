package dev.berth.kube;

import dev.berth.model.ModelLabels;
import dev.berth.oci.image.ContainerConfig;
import dev.berth.oci.image.Descriptor;
import dev.berth.oci.image.ImageConfig;
import dev.berth.oci.image.Platform;
import dev.berth.oci.layer.LayerEntry;
import dev.berth.oci.layer.LayerOptions;
import dev.berth.oci.layer.LayerWriter;
import dev.berth.oci.layer.WrittenLayer;
import dev.berth.oci.reference.Reference;
import dev.berth.oci.store.BlobWriter;
import dev.berth.oci.store.ImageAssembler;
import dev.berth.oci.store.ImageStore;
import dev.berth.oci.store.Lease;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Images in a real Berth store that carry a packaged model's labels (with a tiny stand-in layer, not a server). */
public final class ModelImageFixture {
    private ModelImageFixture() {
    }

    /** The labels {@code berth model package} writes, for model NAME at VERSION, 512 MiB and 1.5 CPUs on port 9000. */
    public static Map<String, String> labels(String model, String version) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(ModelLabels.NAME, model);
        labels.put(ModelLabels.VERSION, version);
        labels.put(ModelLabels.SHA256, "ab".repeat(32));
        labels.put(ModelLabels.PORT, "9000");
        labels.put(ModelLabels.MEMORY, Long.toString(512L * 1024 * 1024));
        labels.put(ModelLabels.CPUS, "1.5");
        return labels;
    }

    /** Builds and tags an image whose config has these labels; returns its manifest descriptor. */
    public static Descriptor image(ImageStore store, String name, Map<String, String> labels) {
        try (Lease lease = store.lease()) {
            WrittenLayer layer;
            try (BlobWriter writer = lease.writer()) {
                WrittenLayer written = LayerWriter.writeEntries(List.of(
                                LayerEntry.directory("models", 0755),
                                LayerEntry.file("models/README", ("model image " + name + "\n").getBytes(StandardCharsets.UTF_8), 0644)),
                        writer, LayerOptions.defaults().withMtime(1704067200L));
                Descriptor blob = writer.commit(written.blob().mediaType(), written.blob().digest(), written.blob().size());
                layer = new WrittenLayer(blob, written.diffId(), written.uncompressedSize());
            }
            ContainerConfig run = new ContainerConfig(null, null, List.of("PATH=/bin"), List.of("/server"), null, null, null,
                    labels, null, null, null, null, null);
            ImageConfig config = new ImageConfig("2024-01-01T00:00:00Z", null, Platform.host().architecture(), "linux", null,
                    null, null, run, null, List.of());
            Descriptor manifest = ImageAssembler.assemble(lease, config, List.of(layer), Map.of());
            store.tag(Reference.parse(name), manifest);
            return manifest;
        }
    }
}
