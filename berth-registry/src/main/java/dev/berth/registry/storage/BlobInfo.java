package dev.berth.registry.storage;

import dev.berth.oci.digest.Digest;
import java.nio.file.Path;

/** A blob the registry holds: where its content lives and how long it is. */
public record BlobInfo(Digest digest, Path path, long size) {
}
