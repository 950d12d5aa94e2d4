package dev.berth.oci.layer;

import dev.berth.oci.digest.Digest;
import dev.berth.oci.image.Descriptor;

/**
 * A layer as written: {@code blob} describes exactly the bytes that went to the sink (what a manifest lists),
 * {@code diffId} is the sha256 of the uncompressed tar (what the image config's rootfs lists).
 */
public record WrittenLayer(Descriptor blob, Digest diffId, long uncompressedSize) {
}
