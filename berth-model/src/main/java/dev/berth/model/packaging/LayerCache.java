package dev.berth.model.packaging;

import dev.berth.model.ModelException;
import dev.berth.oci.OciException;
import dev.berth.oci.json.Json;
import dev.berth.oci.image.Compression;
import dev.berth.oci.layer.Compressors;
import dev.berth.oci.layer.LayerEntry;
import dev.berth.oci.layer.LayerOptions;
import dev.berth.oci.layer.LayerWriter;
import dev.berth.oci.layer.WrittenLayer;
import dev.berth.oci.store.BlobWriter;
import dev.berth.oci.store.Lease;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.function.Supplier;

/**
 * Layers that depend only on their inputs (the base, the Java runtime, the server) are made once: a small JSON file
 * per input key names the blob, and as long as the blob is still in the store (garbage collection may take it when
 * no image uses it) the next packaging holds it under its lease instead of making it again.
 */
final class LayerCache {
    private final Path dir;

    LayerCache(Path dir) {
        this.dir = dir;
    }

    /** The layer for {@code key}: the cached one when its blob is still in the store, else {@code build}'s, remembered. */
    Result get(Lease lease, String key, Supplier<CachedLayer> build) {
        Path file = dir.resolve(key + ".json");
        if (Files.isRegularFile(file)) {
            try {
                CachedLayer cached = Json.read(Files.readAllBytes(file), CachedLayer.class, "layer cache entry " + file);
                if (cached.blob() != null && cached.diffId() != null && lease.holdIfPresent(cached.blob().digest())) {
                    return new Result(cached, true);
                }
            } catch (IOException | OciException unreadable) {
                // made again below, and the entry rewritten
            }
        }
        CachedLayer built = build.get();
        try {
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, key, ".tmp");
            Files.write(tmp, Json.canonicalBytes(built));
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new ModelException("cannot write the layer cache in " + dir + ": " + e.getMessage(), e);
        }
        return new Result(built, false);
    }

    /** A layer and whether it came from the cache. */
    record Result(CachedLayer layer, boolean reused) {
    }

    /** Writes entries as one reproducible gzip layer into the store under the lease. */
    static WrittenLayer write(Lease lease, List<LayerEntry> entries) {
        LayerOptions options = new LayerOptions(Compression.GZIP, Compressors.DEFAULT_GZIP_LEVEL, ImageLayout.LAYER_MTIME, 0, 0);
        try (BlobWriter blob = lease.writer()) {
            WrittenLayer layer = LayerWriter.writeEntries(entries, blob, options);
            return new WrittenLayer(blob.commit(layer.blob().mediaType()), layer.diffId(), layer.uncompressedSize());
        }
    }
}
