package dev.berth.oci.layer;

import dev.berth.oci.OciException;
import dev.berth.oci.digest.DigestingOutputStream;
import dev.berth.oci.image.Descriptor;
import dev.berth.oci.image.MediaTypes;
import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes reproducible layers: the same entries give the same tar bytes, hence the same diffID, every time and on every
 * machine, and the same compressed bytes for a given compressor build. Entries are sorted by the bytes of their path
 * (a directory therefore precedes its contents), stamped with one fixed mtime, and carry no host user names or
 * access/change times. Both digests are computed in the single pass that writes the blob.
 */
public final class LayerWriter {
    private static final int COPY_BUFFER = 256 * 1024;

    private LayerWriter() {
    }

    /** Writes everything under {@code root} (see {@link LayerTree#scan}) to {@code sink}, which is left open. */
    public static WrittenLayer writeTree(Path root, OutputStream sink, LayerOptions options) {
        return writeEntries(LayerTree.scan(root, options.uid(), options.gid()), sink, options);
    }

    /**
     * Writes {@code entries} in path order to {@code sink}, which is left open. Paths must be unique; a hard link
     * must name a file in the same list; nothing may sit below a non-directory. Parent directories missing from the
     * list are not invented (their metadata would overwrite what lower layers have).
     */
    public static WrittenLayer writeEntries(List<LayerEntry> entries, OutputStream sink, LayerOptions options) {
        List<LayerEntry> ordered = order(entries);
        DigestingOutputStream blob = new DigestingOutputStream(new FilterOutputStream(sink) {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
            }

            @Override
            public void close() throws IOException {
                out.flush(); // the caller owns the sink
            }
        });
        OutputStream compressor = Compressors.compress(blob, options.compression(), options.level());
        // Buffered so the 512-byte headers reach the compressor in large writes (a JNI call per header for zstd).
        DigestingOutputStream tar = new DigestingOutputStream(new BufferedOutputStream(compressor, COPY_BUFFER));
        String current = null;
        try (tar) {
            TarWriter writer = new TarWriter(tar);
            byte[] buffer = new byte[COPY_BUFFER];
            for (LayerEntry entry : ordered) {
                current = entry.path();
                writeEntry(writer, entry, options.mtime(), buffer);
            }
            current = null;
            writer.finish();
        } catch (IOException e) {
            throw new OciException("cannot write layer" + (current == null ? "" : " entry '" + current + "'")
                    + ": " + e.getMessage(), e);
        }
        Descriptor descriptor = Descriptor.of(MediaTypes.ociLayer(options.compression()), blob.digest(), blob.count());
        return new WrittenLayer(descriptor, tar.digest(), tar.count());
    }

    private static void writeEntry(TarWriter writer, LayerEntry e, long mtime, byte[] buffer) throws IOException {
        long size = e.kind() != LayerEntry.Kind.FILE ? 0
                : e.content() != null ? e.content().length : Files.size(e.source());
        writer.putEntry(new TarEntry(typeOf(e.kind()), e.path(), e.linkTarget(), e.mode(), e.uid(), e.gid(), size,
                mtime, "", "", e.devMajor(), e.devMinor()));
        if (e.kind() == LayerEntry.Kind.FILE) {
            try (InputStream in = e.content() != null ? new ByteArrayInputStream(e.content())
                    : Files.newInputStream(e.source())) {
                writer.copyContent(in, buffer, e.source() != null ? e.source().toString() : e.path());
            }
        }
    }

    private static byte typeOf(LayerEntry.Kind kind) {
        return switch (kind) {
            case FILE -> TarEntry.FILE;
            case DIRECTORY -> TarEntry.DIRECTORY;
            case SYMLINK -> TarEntry.SYMLINK;
            case HARD_LINK -> TarEntry.HARD_LINK;
            case FIFO -> TarEntry.FIFO;
            case CHAR_DEVICE -> TarEntry.CHAR_DEVICE;
            case BLOCK_DEVICE -> TarEntry.BLOCK_DEVICE;
        };
    }

    /** Normalizes, checks and sorts entries, and makes the first name of each hard-link group carry the content. */
    static List<LayerEntry> order(List<LayerEntry> entries) {
        Map<String, LayerEntry> byPath = new HashMap<>();
        for (LayerEntry entry : entries) {
            String path = LayerPaths.normalizeForWriting(entry.path());
            LayerEntry normalized = entry.withPath(path);
            if (entry.kind() == LayerEntry.Kind.HARD_LINK) {
                normalized = normalized.asHardLinkTo(LayerPaths.normalizeForWriting(entry.linkTarget()));
            }
            if (byPath.putIfAbsent(path, normalized) != null) {
                throw new OciException("layer entry '" + path + "' appears twice");
            }
        }
        for (LayerEntry entry : byPath.values()) {
            for (String parent = LayerPaths.parent(entry.path()); !parent.isEmpty(); parent = LayerPaths.parent(parent)) {
                LayerEntry above = byPath.get(parent);
                if (above != null && above.kind() != LayerEntry.Kind.DIRECTORY) {
                    throw new OciException("layer entry '" + entry.path() + "' is inside '" + parent
                            + "', which is a " + above.kind().name().toLowerCase(java.util.Locale.ROOT) + ", not a directory");
                }
            }
        }
        resolveHardLinks(byPath);
        List<LayerEntry> ordered = new ArrayList<>(byPath.values());
        ordered.sort((a, b) -> Utf8.BYTE_ORDER.compare(a.path(), b.path()));
        return ordered;
    }

    /**
     * A tar hard link must come after the file it names. Group each file with its links (links to links are
     * followed) and give the content to whichever name sorts first; the others link to it.
     */
    private static void resolveHardLinks(Map<String, LayerEntry> byPath) {
        Map<String, List<String>> groups = new HashMap<>();
        for (LayerEntry entry : byPath.values()) {
            if (entry.kind() == LayerEntry.Kind.HARD_LINK) {
                LayerEntry file = entry;
                for (int hops = 0; file.kind() == LayerEntry.Kind.HARD_LINK; hops++) {
                    LayerEntry next = byPath.get(file.linkTarget());
                    if (next == null || hops > byPath.size()) {
                        throw new OciException("hard link '" + entry.path() + "' names '" + file.linkTarget()
                                + "', which is not a file in this layer");
                    }
                    file = next;
                }
                if (file.kind() != LayerEntry.Kind.FILE) {
                    throw new OciException("hard link '" + entry.path() + "' names '" + file.path()
                            + "', which is a " + file.kind().name().toLowerCase(java.util.Locale.ROOT) + ", not a file");
                }
                groups.computeIfAbsent(file.path(), k -> new ArrayList<>(List.of(k))).add(entry.path());
            }
        }
        groups.forEach((filePath, names) -> {
            LayerEntry file = byPath.get(filePath);
            names.sort(Utf8.BYTE_ORDER);
            String first = names.getFirst();
            for (String name : names) {
                LayerEntry entry = byPath.get(name);
                byPath.put(name, name.equals(first) ? entry.withContentOf(file).withOwner(file.uid(), file.gid())
                        : file.withPath(name).asHardLinkTo(first));
            }
        });
    }
}
