package dev.berth.build.lock;

import dev.berth.oci.image.Platform;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a lock is made (or checked) for.
 *
 * @param dockerfile the Dockerfile; its lock is {@link LockFile#pathFor beside it}
 * @param buildArgs the {@code --build-arg} values
 * @param platforms the target platforms; empty means the lock's own platforms when checking, and the build platform
 *     ({@link Platforms#build()}) when locking anew
 */
public record LockRequest(Path dockerfile, Map<String, String> buildArgs, List<Platform> platforms) {
    public LockRequest {
        buildArgs = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(buildArgs));
        platforms = platforms.stream().map(Platforms::normalize).distinct().toList();
    }

    /** Where its lock file is. */
    public Path lockPath() {
        return LockFile.pathFor(dockerfile);
    }
}
