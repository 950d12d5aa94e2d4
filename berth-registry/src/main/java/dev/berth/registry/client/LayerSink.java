package dev.berth.registry.client;

import dev.berth.oci.image.Descriptor;
import dev.berth.oci.image.ImageConfig;
import dev.berth.oci.image.Manifest;

/**
 * Work to do with each layer as soon as it is in the store, while the other layers still download: how `berth pull`
 * unpacks into the snapshot store during the pull. The image config is stored first, so {@link #begin} has it.
 */
public interface LayerSink {
    /** Before any layer: the manifest and its (verified, stored) config. */
    void begin(Manifest manifest, ImageConfig config);

    /** A layer is in the store (downloaded and verified now, or there already). Called from transfer threads. */
    void stored(Descriptor layer);

    /** After the last layer: waits until the sink's work is done; its failure fails the pull. */
    void finish();

    LayerSink NONE = new LayerSink() {
        @Override
        public void begin(Manifest manifest, ImageConfig config) {
        }

        @Override
        public void stored(Descriptor layer) {
        }

        @Override
        public void finish() {
        }
    };
}
