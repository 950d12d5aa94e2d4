package dev.berth.oci.archive;

import dev.berth.oci.digest.Digest;
import dev.berth.oci.image.Descriptor;
import dev.berth.oci.reference.Reference;
import java.util.List;

/**
 * An image {@code load} put in the store: the root its names point at, its ID (config digest, as Docker shows it) and
 * its names (empty when the archive gave it none and it was added untagged).
 */
public record LoadedImage(Descriptor root, Digest id, List<Reference> names) {
    public LoadedImage {
        names = List.copyOf(names);
    }

    /** What {@code docker load} prints for it: one "Loaded image: NAME" per name, or "Loaded image ID: ID". */
    public List<String> messages() {
        if (names.isEmpty()) {
            return List.of("Loaded image ID: " + id);
        }
        return names.stream().map(n -> "Loaded image: " + n.familiar()).toList();
    }
}
