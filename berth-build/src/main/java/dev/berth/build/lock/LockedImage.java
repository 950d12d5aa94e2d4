package dev.berth.build.lock;

import dev.berth.oci.digest.Digest;
import java.util.Collections;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One image a Dockerfile uses (in FROM, {@code COPY --from} or {@code RUN --mount=from}), as the lock pins it.
 *
 * @param reference the image reference after variable substitution, normalized
 *     ({@code docker.io/library/debian:bookworm})
 * @param digest what the reference pointed at when the lock was made: an index for a multi-platform image, else the
 *     manifest
 * @param manifests the manifest digest for each platform the build uses the image for ({@code linux/amd64} → digest);
 *     for a single-manifest image every platform maps to {@code digest}
 */
public record LockedImage(String reference, Digest digest, SortedMap<String, Digest> manifests) {
    public LockedImage {
        manifests = Collections.unmodifiableSortedMap(new TreeMap<>(manifests));
    }

    public static LockedImage of(String reference, Digest digest, Map<String, Digest> manifests) {
        return new LockedImage(reference, digest, new TreeMap<>(manifests));
    }
}
