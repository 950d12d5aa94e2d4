package dev.berth.oci.store;

import dev.berth.oci.OciException;
import dev.berth.oci.image.Annotations;
import dev.berth.oci.image.Descriptor;
import dev.berth.oci.image.Index;
import dev.berth.oci.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * The names of images: the image layout's index.json, one descriptor per root, named by the
 * {@code org.opencontainers.image.ref.name} annotation holding the full reference ({@code docker.io/library/busybox:latest}).
 * A root without the annotation is an untagged (dangling) image. Changes are read-modify-write under a lock and land
 * by atomic rename, so readers see the old or the new index, never a torn one.
 */
public final class NameIndex {
    private final StorePaths paths;

    NameIndex(StorePaths paths) {
        this.paths = paths;
    }

    /** One root of the store. */
    public record Entry(String name, Descriptor target) {
        public boolean named() {
            return name != null;
        }
    }

    public List<Entry> read() {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(paths.indexFile());
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            throw new OciException("cannot read " + paths.indexFile() + ": " + e.getMessage(), e);
        }
        Index index = Json.read(bytes, Index.class, "image store index " + paths.indexFile());
        List<Entry> entries = new ArrayList<>();
        for (Descriptor d : index.manifests()) {
            if (d.digest() == null) {
                throw new OciException("malformed image store index " + paths.indexFile() + ": a manifest has no digest");
            }
            String name = d.annotation(Annotations.REF_NAME);
            entries.add(new Entry(name, d.withAnnotations(null)));
        }
        return entries;
    }

    /** Applies a change to the entries atomically with respect to every other Berth process. */
    public List<Entry> update(UnaryOperator<List<Entry>> change) {
        try (var lock = FileLocks.acquire(paths.indexLock(), false)) {
            List<Entry> updated = change.apply(new ArrayList<>(read()));
            write(updated);
            return updated;
        }
    }

    /** As {@link #update}, for a caller that already holds the index lock (check and repair). */
    List<Entry> updateLocked(UnaryOperator<List<Entry>> change) {
        List<Entry> updated = change.apply(new ArrayList<>(read()));
        write(updated);
        return updated;
    }

    private void write(List<Entry> entries) {
        List<Descriptor> manifests = entries.stream()
                .sorted(Comparator.comparing((Entry e) -> e.name() == null ? "\uffff" : e.name())
                        .thenComparing(e -> e.target().digest()))
                .map(e -> e.name() == null
                        ? e.target().withAnnotations(null)
                        : e.target().withAnnotations(Map.of(Annotations.REF_NAME, e.name())))
                .toList();
        AtomicFiles.write(paths.indexFile(), Json.canonicalBytes(Index.oci(manifests)));
    }
}
