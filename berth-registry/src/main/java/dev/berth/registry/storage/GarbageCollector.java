package dev.berth.registry.storage;

import dev.berth.oci.digest.Digest;
import dev.berth.oci.store.AtomicFiles;
import dev.berth.registry.RegistryException;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Mark and sweep: every manifest linked in any repository is a root; it reaches its config, layers and (for an index)
 * child manifests. Blobs nothing reaches are deleted, with their now dangling repository links. The caller holds the
 * storage lock exclusively, so no blob can be linked between mark and sweep.
 */
final class GarbageCollector {
    private static final System.Logger LOG = System.getLogger(GarbageCollector.class.getName());
    static final Duration UPLOAD_MAX_AGE = Duration.ofDays(1);

    private final BlobStore blobs;
    private final RepositoryStore repositories;
    private final UploadStore uploads;

    GarbageCollector(BlobStore blobs, RepositoryStore repositories, UploadStore uploads) {
        this.blobs = blobs;
        this.repositories = repositories;
        this.uploads = uploads;
    }

    GcResult collect(Duration blobMinimumAge) {
        Instant now = Instant.now();
        Set<Digest> reachable = mark();
        Set<Digest> removed = new HashSet<>();
        long bytes = sweep(reachable, now.minus(blobMinimumAge), now.minus(UPLOAD_MAX_AGE), removed);
        if (!removed.isEmpty()) {
            for (String name : repositories.repositories()) {
                RepositoryName repository = new RepositoryName(name);
                removed.forEach(digest -> repositories.unlinkBlob(repository, digest));
            }
        }
        int staleUploads = uploads.removeOlderThan(now.minus(UPLOAD_MAX_AGE));
        LOG.log(Level.DEBUG, "garbage collection removed {0} blobs ({1} bytes) and {2} stale uploads",
                removed.size(), bytes, staleUploads);
        return new GcResult(removed.size(), bytes);
    }

    private Set<Digest> mark() {
        Set<Digest> reachable = new HashSet<>();
        for (String name : repositories.repositories()) {
            RepositoryName repository = new RepositoryName(name);
            Deque<Digest> pending = new ArrayDeque<>(repositories.manifests(repository));
            while (!pending.isEmpty()) {
                Digest manifest = pending.pop();
                if (!reachable.add(manifest)) {
                    continue;
                }
                ParsedManifest parsed = parse(manifest);
                if (parsed != null) {
                    reachable.addAll(parsed.blobs());
                    pending.addAll(parsed.manifests());
                }
            }
        }
        return reachable;
    }

    /** The manifest's references, or null when its blob is missing or unreadable (it then protects nothing more). */
    private ParsedManifest parse(Digest manifest) {
        try {
            byte[] content = Files.readAllBytes(blobs.path(manifest));
            return ParsedManifest.parse(content, null);
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "manifest {0} cannot be read for garbage collection: {1}", manifest, e.getMessage());
            return null;
        }
    }

    private long sweep(Set<Digest> reachable, Instant blobCutoff, Instant tempCutoff, Set<Digest> removed) {
        long bytes = 0;
        Path dir = blobs.dir();
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (DirectoryStream<Path> algorithms = Files.newDirectoryStream(dir)) {
            for (Path algorithm : algorithms) {
                for (Path blob : list(algorithm)) {
                    String name = blob.getFileName().toString();
                    Instant modified = Files.getLastModifiedTime(blob).toInstant();
                    if (name.startsWith(".")) {
                        if (modified.isBefore(tempCutoff)) {
                            AtomicFiles.deleteQuietly(blob); // a temporary file a crash left behind
                        }
                        continue;
                    }
                    var digest = RepositoryStore.parseDigest(algorithm.getFileName().toString(), name);
                    if (digest.isEmpty() || reachable.contains(digest.get()) || !modified.isBefore(blobCutoff)) {
                        continue;
                    }
                    long size = Files.size(blob);
                    Files.delete(blob);
                    removed.add(digest.get());
                    bytes += size;
                }
            }
        } catch (IOException e) {
            throw new RegistryException("garbage collection failed in " + dir + ": " + e.getMessage(), e);
        }
        return bytes;
    }

    private static List<Path> list(Path folder) throws IOException {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (var entries = Files.list(folder)) {
            return entries.toList();
        }
    }
}
