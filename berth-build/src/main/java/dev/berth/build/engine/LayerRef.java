package dev.berth.build.engine;

import dev.berth.oci.image.Descriptor;

/** One layer of a stage's filesystem: its blob in the store and its diffID. */
record LayerRef(Descriptor blob, String diffId) {
}
