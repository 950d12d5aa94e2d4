package dev.berth.oci.store;

import dev.berth.oci.image.Descriptor;
import dev.berth.oci.image.ImageConfig;
import dev.berth.oci.image.Manifest;
import dev.berth.oci.image.MediaTypes;
import dev.berth.oci.json.Json;
import dev.berth.oci.layer.WrittenLayer;
import java.util.List;
import java.util.Map;

/**
 * Turns layers already committed under a lease plus a config into an image: writes the config (with the layers'
 * diff_ids) and the manifest, both in canonical JSON so the same inputs always give the same manifest digest.
 */
public final class ImageAssembler {
    private ImageAssembler() {
    }

    /** Writes config and manifest; the returned manifest descriptor is ready for {@link ImageStore#tag}. */
    public static Descriptor assemble(Lease lease, ImageConfig config, List<WrittenLayer> layers, Map<String, String> annotations) {
        ImageConfig withLayers = new ImageConfig(config.created(), config.author(), config.architecture(), config.os(),
                config.osVersion(), config.osFeatures(), config.variant(), config.config(),
                ImageConfig.RootFs.layers(layers.stream().map(l -> l.diffId().toString()).toList()), config.history());
        Descriptor configDescriptor = lease.put(MediaTypes.OCI_CONFIG, Json.canonicalBytes(withLayers));
        Manifest manifest = Manifest.oci(configDescriptor, layers.stream().map(WrittenLayer::blob).toList(),
                annotations == null || annotations.isEmpty() ? null : annotations);
        return lease.put(MediaTypes.OCI_MANIFEST, Json.canonicalBytes(manifest));
    }
}
