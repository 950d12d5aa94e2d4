package dev.berth.build.cache;

import dev.berth.build.BuildException;
import dev.berth.oci.OciException;
import dev.berth.oci.digest.Digest;
import dev.berth.oci.image.Descriptor;
import dev.berth.oci.image.Manifest;
import dev.berth.oci.image.MediaTypes;
import dev.berth.oci.json.Json;
import dev.berth.oci.store.AtomicFiles;
import dev.berth.oci.store.GarbageCollector;
import dev.berth.oci.store.Image;
import dev.berth.oci.store.ImageStore;
import dev.berth.oci.store.Lease;
import dev.berth.oci.store.Pins;
import dev.berth.runtime.snapshot.SnapshotStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The build cache in the store ({@code ROOT/build-cache}): one small JSON file per step result under {@code entries/},
 * named by the step's cache key, and the persistent directories of {@code RUN --mount=type=cache} under
 * {@code mounts/}. A layer a cache entry names is kept from garbage collection by a pin (holder
 * {@code build-cache-HEX}) on a one-layer manifest, so {@code berth system gc} leaves the cache alone and only
 * {@link #prune} lets it go.
 */
public final class BuildCache {
    /** Pin holders of cache layers; never 64 hex digits alone, which the engine takes for containers. */
    public static final String PIN_PREFIX = "build-cache-";
    static final String KEY_ANNOTATION = "dev.berth.build.cache-key";

    private final Path dir;
    private final Path entries;
    private final Path mounts;
    private final ImageStore store;
    private final Path berthRoot;

    private BuildCache(Path berthRoot, ImageStore store) {
        this.berthRoot = berthRoot;
        this.dir = berthRoot.resolve("build-cache");
        this.entries = dir.resolve("entries");
        this.mounts = dir.resolve("mounts");
        this.store = store;
    }

    /** The cache of the Berth root {@code berthRoot}, whose image store is {@code store}. */
    public static BuildCache open(Path berthRoot, ImageStore store) {
        return new BuildCache(berthRoot, store);
    }

    public Path directory() {
        return dir;
    }

    /** Where the persistent directories of cache mounts live. */
    public Path mountsDirectory() {
        return mounts;
    }

    /** The entry for a key, when there is one whose layer is still in the store. */
    public Optional<CacheEntry> lookup(String key) {
        Path file = entryFile(key);
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new BuildException("cannot read the build cache entry " + file + ": " + e.getMessage(), e);
        }
        CacheEntry entry;
        try {
            entry = Json.read(bytes, CacheEntry.class, "build cache entry " + file.getFileName());
        } catch (OciException e) {
            return Optional.empty(); // a damaged entry is a miss; recording the step again replaces it
        }
        if (!key.equals(entry.key()) || (entry.hasLayer() && !store.content().contains(entry.layer().digest()))) {
            return Optional.empty();
        }
        return Optional.of(entry);
    }

    /**
     * Records a step's result. A layer must already be committed under {@code lease}; it is pinned first, then the
     * entry written, so an entry never names a layer that garbage collection may take.
     */
    public void record(Lease lease, CacheEntry entry) {
        try {
            Files.createDirectories(entries);
        } catch (IOException e) {
            throw new BuildException("cannot create " + entries + ": " + e.getMessage(), e);
        }
        if (entry.hasLayer()) {
            Descriptor empty = lease.put(MediaTypes.OCI_EMPTY, "{}".getBytes(StandardCharsets.UTF_8));
            Manifest holder = Manifest.oci(empty, List.of(entry.layer()), Map.of(KEY_ANNOTATION, entry.key()));
            Descriptor root = lease.put(MediaTypes.OCI_MANIFEST, Json.canonicalBytes(holder));
            store.pins().pin(pinHolder(entry.key()), "the build cache", root);
        }
        AtomicFiles.replace(entryFile(entry.key()), Json.canonicalBytes(entry));
    }

    /** Every entry (damaged files skipped). */
    public List<CacheEntry> list() {
        List<CacheEntry> all = new ArrayList<>();
        if (!Files.isDirectory(entries)) {
            return all;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(entries, "*.json")) {
            for (Path file : files) {
                try {
                    all.add(Json.read(Files.readAllBytes(file), CacheEntry.class, "build cache entry " + file.getFileName()));
                } catch (OciException | NoSuchFileException e) {
                    // damaged or removed meanwhile: not part of the cache
                }
            }
        } catch (IOException e) {
            throw new BuildException("cannot list the build cache in " + entries + ": " + e.getMessage(), e);
        }
        return all;
    }

    /** What the cache holds: entries, the distinct layers they keep, and the cache mounts. */
    public record Usage(int entries, int layers, long layerBytes, int cacheMounts, long cacheMountBytes) {
        public long totalBytes() {
            return layerBytes + cacheMountBytes;
        }
    }

    public Usage usage() {
        List<CacheEntry> all = list();
        Set<Digest> layers = new HashSet<>();
        long bytes = 0;
        for (CacheEntry e : all) {
            if (e.hasLayer() && layers.add(e.layer().digest()) && store.content().contains(e.layer().digest())) {
                bytes += e.layer().size();
            }
        }
        int mountCount = 0;
        long mountBytes = 0;
        for (Path m : mountDirectories()) {
            mountCount++;
            mountBytes += treeSize(m);
        }
        return new Usage(all.size(), layers.size(), bytes, mountCount, mountBytes);
    }

    /** What a prune removed. */
    public record PruneResult(int entriesRemoved, int cacheMountsRemoved, long bytesFreed) {
    }

    /**
     * Empties the cache. Without {@code all}, only entries whose layer no stored image uses ("dangling") and entries
     * without a layer go; with it, every entry and every cache mount. Blobs only the cache kept are then collected,
     * and the unpacked snapshots of removed layers deleted.
     */
    public PruneResult prune(boolean all) {
        Set<Digest> inImages = new HashSet<>();
        if (!all) {
            for (Image image : store.images()) {
                image.manifest().layers().forEach(l -> inImages.add(l.digest()));
            }
        }
        List<CacheEntry> removed = new ArrayList<>();
        List<CacheEntry> kept = new ArrayList<>();
        for (CacheEntry e : list()) {
            if (all || !e.hasLayer() || !inImages.contains(e.layer().digest())) {
                removed.add(e);
            } else {
                kept.add(e);
            }
        }
        for (CacheEntry e : removed) {
            store.pins().unpin(pinHolder(e.key()));
            AtomicFiles.deleteQuietly(entryFile(e.key()));
        }
        if (all) {
            // pins whose entry file went missing (a crash between pin and entry) go too
            for (Pins.Pin pin : store.pins().list()) {
                if (pin.holder().startsWith(PIN_PREFIX)) {
                    store.pins().unpin(pin.holder());
                }
            }
        }
        long freed = new GarbageCollector(store).collect().bytesFreed();
        freed += removeSnapshots(removed, kept);
        int mountsRemoved = 0;
        if (all) {
            for (Path m : mountDirectories()) {
                long size = treeSize(m);
                try {
                    SnapshotStore.deleteTree(m);
                    mountsRemoved++;
                    freed += size;
                } catch (IOException e) {
                    throw new BuildException("cannot remove the cache mount " + m + ": " + e.getMessage(), e);
                }
            }
        }
        return new PruneResult(removed.size(), mountsRemoved, freed);
    }

    /** Unpacked snapshots of removed cache layers that no image and no remaining entry uses. */
    private long removeSnapshots(List<CacheEntry> removed, List<CacheEntry> kept) {
        SnapshotStore snapshots = SnapshotStore.open(berthRoot);
        Set<String> doomed = new HashSet<>();
        for (CacheEntry e : removed) {
            if (e.chainId() != null && snapshots.contains(e.chainId())) {
                doomed.add(e.chainId());
            }
        }
        for (CacheEntry e : kept) {
            if (e.chainId() != null) {
                doomed.remove(e.chainId());
            }
        }
        if (doomed.isEmpty()) {
            return 0;
        }
        for (Image image : store.images()) {
            doomed.removeAll(SnapshotStore.chainIds(image.config().diffIds()));
        }
        for (Pins.Pin pin : store.pins().list()) {
            if (MediaTypes.isManifest(pin.root().mediaType()) && !pin.holder().startsWith(PIN_PREFIX)) {
                try {
                    Image pinned = store.image(pin.root(), List.of());
                    doomed.removeAll(SnapshotStore.chainIds(pinned.config().diffIds()));
                } catch (OciException e) {
                    // a pin whose image is damaged keeps nothing unpacked
                }
            }
        }
        long freed = 0;
        for (String chain : doomed) {
            freed += treeSize(snapshots.root().resolve(Digest.parse(chain).encoded()));
        }
        Set<String> keep = new HashSet<>(snapshots.list());
        keep.removeAll(doomed);
        snapshots.prune(keep);
        return freed;
    }

    private List<Path> mountDirectories() {
        List<Path> dirs = new ArrayList<>();
        if (!Files.isDirectory(mounts)) {
            return dirs;
        }
        try (DirectoryStream<Path> all = Files.newDirectoryStream(mounts)) {
            for (Path p : all) {
                if (Files.isDirectory(p) && !p.getFileName().toString().startsWith(".")) {
                    dirs.add(p);
                }
            }
        } catch (IOException e) {
            throw new BuildException("cannot list " + mounts + ": " + e.getMessage(), e);
        }
        dirs.sort(null);
        return dirs;
    }

    static long treeSize(Path root) {
        long[] total = {0};
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    if (attrs.isRegularFile()) {
                        total[0] += attrs.size();
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException exc) {
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            return total[0];
        }
        return total[0];
    }

    private Path entryFile(String key) {
        return entries.resolve(Digest.parse(key).encoded() + ".json");
    }

    static String pinHolder(String key) {
        return PIN_PREFIX + Digest.parse(key).encoded();
    }
}
