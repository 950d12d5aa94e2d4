package dev.berth.oci.archive;

import dev.berth.oci.OciException;
import dev.berth.oci.digest.Digest;
import dev.berth.oci.digest.DigestingInputStream;
import dev.berth.oci.image.Annotations;
import dev.berth.oci.image.Compression;
import dev.berth.oci.image.Descriptor;
import dev.berth.oci.image.Index;
import dev.berth.oci.image.MediaTypes;
import dev.berth.oci.json.Json;
import dev.berth.oci.layer.Compressors;
import dev.berth.oci.layer.LayerOptions;
import dev.berth.oci.reference.Reference;
import dev.berth.oci.store.ContentStore;
import dev.berth.oci.store.Image;
import dev.berth.oci.store.ImageStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * {@code berth save}: writes images from the store as an archive, reproducibly (the same images and names give the
 * same bytes).
 *
 * <ul>
 * <li>{@link ArchiveFormat#OCI}: a tar of an OCI image layout. Blobs are copied byte for byte, so every digest is kept;
 * each saved name is an index.json entry annotated as Docker's save does ({@code io.containerd.image.name} = the full
 * name, {@code org.opencontainers.image.ref.name} = the tag).
 * <li>{@link ArchiveFormat#DOCKER}: the format {@code docker load} and {@code podman load} read: {@code manifest.json},
 * {@code repositories}, each config as {@code HEX.json} and each layer decompressed to {@code DIFFIDHEX.tar}, whose
 * digest is the config's diff_id. An image stored as an index is saved as this platform's manifest.
 * </ul>
 */
public final class ImageArchiveWriter {
    private final ImageStore store;
    private final long mtime;

    public ImageArchiveWriter(ImageStore store) {
        this(store, LayerOptions.sourceDateEpoch());
    }

    /** @param mtime modification time of every archive entry, in seconds since the epoch */
    public ImageArchiveWriter(ImageStore store, long mtime) {
        this.store = store;
        this.mtime = mtime;
    }

    /** An image chosen for saving with the names it is saved under (none when it was asked for by ID or digest). */
    public record Selected(Image image, List<Reference> names) {
    }

    /**
     * Resolves what the user asked for, as {@code docker save} does: a name with a tag saves that name; a repository
     * without tag ({@code busybox}) saves every tag of it the store has (or {@code :latest} if none); an ID or digest
     * saves the image without a name. Images named twice are saved once, with all the names asked for.
     */
    public List<Selected> select(List<String> inputs) {
        if (inputs.isEmpty()) {
            throw new OciException("save needs at least one image");
        }
        Map<Digest, Image> images = new LinkedHashMap<>();
        Map<Digest, Set<Reference>> names = new LinkedHashMap<>();
        for (String input : inputs) {
            List<String> wholeRepository = repositoryTags(input);
            if (!wholeRepository.isEmpty()) {
                for (String full : wholeRepository) {
                    Image image = store.resolve(full);
                    images.putIfAbsent(image.root().digest(), image);
                    names.computeIfAbsent(image.root().digest(), d -> new LinkedHashSet<>()).add(Reference.parse(full));
                }
                continue;
            }
            Image image = store.resolve(input);
            images.putIfAbsent(image.root().digest(), image);
            Set<Reference> set = names.computeIfAbsent(image.root().digest(), d -> new LinkedHashSet<>());
            Reference asName = parseOrNull(input);
            if (asName != null && asName.digest() == null && image.names().contains(asName.toString())) {
                set.add(asName);
            }
        }
        List<Selected> selected = new ArrayList<>();
        images.forEach((digest, image) -> selected.add(new Selected(image, List.copyOf(names.get(digest)))));
        return selected;
    }

    /** For a repository given without tag or digest, all its names in the store, sorted; otherwise none. */
    private List<String> repositoryTags(String input) {
        int slash = input.lastIndexOf('/');
        if (input.indexOf('@') >= 0 || input.indexOf(':', slash + 1) >= 0) {
            return List.of();
        }
        Reference ref = parseOrNull(input);
        if (ref == null) {
            return List.of();
        }
        String prefix = ref.repository() + ":";
        return store.images().stream().flatMap(i -> i.names().stream()).filter(n -> n.startsWith(prefix)).sorted().toList();
    }

    private static Reference parseOrNull(String input) {
        try {
            return Reference.parse(input);
        } catch (OciException e) {
            return null;
        }
    }

    /** Saves the images the inputs name (see {@link #select}) to {@code out}, which is flushed and left open. */
    public void save(List<String> inputs, ArchiveFormat format, OutputStream out) {
        write(select(inputs), format, out);
    }

    public void write(List<Selected> selected, ArchiveFormat format, OutputStream out) {
        List<Path> spooled = new ArrayList<>();
        try {
            List<ArchiveTarWriter.Item> items = switch (format) {
                case OCI -> ociItems(selected);
                case DOCKER -> dockerItems(selected, spooled);
            };
            ArchiveTarWriter.write(items, out, mtime);
        } finally {
            for (Path file : spooled) {
                try {
                    Files.deleteIfExists(file);
                } catch (IOException ignored) {
                    // a temporary file; the system's temp cleaner takes what is left
                }
            }
        }
    }

    // ---- OCI image layout

    private List<ArchiveTarWriter.Item> ociItems(List<Selected> selected) {
        ContentStore content = store.content();
        TreeMap<Digest, Long> blobs = new TreeMap<>();
        List<Descriptor> manifests = new ArrayList<>();
        for (Selected s : selected) {
            Descriptor root = s.image().root().withAnnotations(null);
            List<String> missing = new ArrayList<>();
            for (Digest d : store.closure(root, missing)) {
                blobs.put(d, content.size(d));
            }
            if (!missing.isEmpty()) {
                throw new OciException("cannot save " + describe(s) + ": blobs missing from the store: " + String.join(", ", missing));
            }
            if (s.names().isEmpty()) {
                manifests.add(root);
            }
            for (Reference name : s.names()) {
                manifests.add(root.withAnnotations(Map.of(
                        Annotations.CONTAINERD_IMAGE_NAME, name.toString(),
                        Annotations.REF_NAME, name.tag())));
            }
        }
        List<ArchiveTarWriter.Item> items = new ArrayList<>();
        items.add(ArchiveTarWriter.Item.bytes("oci-layout",
                ("{\"imageLayoutVersion\":\"" + MediaTypes.OCI_LAYOUT_VERSION + "\"}").getBytes(StandardCharsets.UTF_8)));
        items.add(ArchiveTarWriter.Item.bytes("index.json", Json.canonicalBytes(Index.oci(manifests))));
        blobs.forEach((digest, size) -> items.add(new ArchiveTarWriter.Item(
                "blobs/" + digest.algorithm() + "/" + digest.encoded(), size, digest, () -> content.open(digest))));
        return items;
    }

    // ---- docker save format

    private List<ArchiveTarWriter.Item> dockerItems(List<Selected> selected, List<Path> spooled) {
        ContentStore content = store.content();
        Map<String, ArchiveTarWriter.Item> files = new TreeMap<>();
        List<DockerManifestEntry> manifest = new ArrayList<>();
        Map<String, Map<String, String>> repositories = new TreeMap<>();
        for (Selected s : selected) {
            Image image = s.image();
            Descriptor config = image.manifest().config();
            String configName = config.digest().encoded() + ".json";
            files.put(configName, new ArchiveTarWriter.Item(configName, content.size(config.digest()), config.digest(),
                    () -> content.open(config.digest())));
            List<Descriptor> layers = image.manifest().layers();
            List<String> diffIds = image.config().diffIds();
            if (diffIds.size() != layers.size()) {
                throw new OciException("cannot save " + describe(s) + " in docker format: its config lists " + diffIds.size()
                        + " diff_ids for " + layers.size() + " layers");
            }
            List<String> layerNames = new ArrayList<>();
            for (int i = 0; i < layers.size(); i++) {
                Descriptor layer = layers.get(i);
                Digest diffId = Digest.parse(diffIds.get(i));
                String layerName = diffId.encoded() + ".tar";
                layerNames.add(layerName);
                if (!files.containsKey(layerName)) {
                    files.put(layerName, uncompressedLayer(layerName, layer, diffId, s, spooled));
                }
            }
            List<String> repoTags = s.names().stream().map(Reference::familiar).toList();
            manifest.add(new DockerManifestEntry(configName, repoTags.isEmpty() ? null : repoTags, layerNames));
            if (!layerNames.isEmpty()) {
                String top = diffIds.getLast().substring(diffIds.getLast().indexOf(':') + 1);
                for (Reference name : s.names()) {
                    repositories.computeIfAbsent(name.name(), k -> new TreeMap<>()).put(name.tag(), top);
                }
            }
        }
        List<ArchiveTarWriter.Item> items = new ArrayList<>(files.values());
        items.add(ArchiveTarWriter.Item.bytes("manifest.json", Json.canonicalBytes(manifest)));
        items.add(ArchiveTarWriter.Item.bytes("repositories", Json.canonicalBytes(repositories)));
        return items;
    }

    /**
     * A layer as its uncompressed tar. The tar header needs its size before its bytes, and the size is not stored
     * anywhere, so the layer is decompressed once into a temporary file (checking the diff_id on the way) and the
     * archive is written from that file: one decompression instead of two, at the price of temporary disk space.
     */
    private ArchiveTarWriter.Item uncompressedLayer(String name, Descriptor layer, Digest diffId, Selected s, List<Path> spooled) {
        ContentStore content = store.content();
        Compression compression;
        try {
            compression = MediaTypes.layerCompression(layer.mediaType());
        } catch (OciException e) {
            throw new OciException("cannot save " + describe(s) + " in docker format: layer " + layer.digest() + ": " + e.getMessage());
        }
        if (compression == Compression.NONE) {
            if (!layer.digest().equals(diffId)) {
                throw new OciException("cannot save " + describe(s) + ": uncompressed layer " + layer.digest()
                        + " differs from its diff_id " + diffId);
            }
            return new ArchiveTarWriter.Item(name, content.size(layer.digest()), diffId, () -> content.open(layer.digest()));
        }
        long size;
        Digest actual;
        Path spool;
        try {
            spool = Files.createTempFile("berth-save-", ".tar");
            spooled.add(spool);
            try (DigestingInputStream in = new DigestingInputStream(Compressors.decompress(content.open(layer.digest()), compression),
                    diffId.algorithm());
                    OutputStream out = Files.newOutputStream(spool)) {
                size = in.transferTo(out);
                actual = in.digest();
            }
        } catch (IOException e) {
            throw new OciException("cannot decompress layer " + layer.digest() + " of " + describe(s) + ": " + e.getMessage(), e);
        }
        if (!actual.equals(diffId)) {
            throw new OciException("cannot save " + describe(s) + ": layer " + layer.digest() + " decompresses to " + actual
                    + " but the image config lists diff_id " + diffId);
        }
        // The archive writer hashes the bytes again as it copies them: a spool file changed meanwhile fails the save.
        return new ArchiveTarWriter.Item(name, size, diffId, () -> Files.newInputStream(spool));
    }

    private static String describe(Selected s) {
        return s.names().isEmpty() ? "image " + s.image().id() : s.names().getFirst().familiar();
    }
}
