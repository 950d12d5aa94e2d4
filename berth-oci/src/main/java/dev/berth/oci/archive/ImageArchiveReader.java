package dev.berth.oci.archive;

import dev.berth.oci.OciException;
import dev.berth.oci.digest.Digest;
import dev.berth.oci.digest.DigestingInputStream;
import dev.berth.oci.image.Annotations;
import dev.berth.oci.image.Compression;
import dev.berth.oci.image.Descriptor;
import dev.berth.oci.image.ImageConfig;
import dev.berth.oci.image.Index;
import dev.berth.oci.image.Manifest;
import dev.berth.oci.image.MediaTypes;
import dev.berth.oci.json.Json;
import dev.berth.oci.layer.Compressors;
import dev.berth.oci.reference.Reference;
import dev.berth.oci.store.BlobWriter;
import dev.berth.oci.store.ImageStore;
import dev.berth.oci.store.Lease;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import dev.berth.oci.layer.TarEntry;
import dev.berth.oci.layer.TarReader;

/**
 * {@code berth load}: reads an image archive (an OCI image layout tar, or Docker's save format; plain, gzip or zstd)
 * into the store, treating it as untrusted.
 *
 * <p>The archive is read once, front to back, as a stream: each file is spooled into the store's ingest area through
 * one {@link Lease} as it comes (small ones are kept in memory until they are known to be needed), because Docker's
 * format may list {@code manifest.json} last. Blobs named by digest are verified as they are read; a docker archive's
 * layers are verified against the config's diff_ids. Only when the whole archive has been read and every image in it
 * checked (all blobs present, digests and sizes right) are manifests written and names given. A refused archive names
 * nothing; what it committed so far is held by the lease only until it closes, and garbage collection removes it.
 */
public final class ImageArchiveReader {
    /** Files up to this size are kept in memory (metadata, configs, manifests); larger ones go to the store at once. */
    private static final long SMALL_FILE = 1 << 20;
    /** Bound on what an archive may make us keep in memory. */
    private static final long MEMORY_LIMIT = 256L << 20;
    private static final int BUFFER = 256 * 1024;
    private static final Pattern TAG = Pattern.compile("[\\w][\\w.-]{0,127}");
    private static final Pattern CONFIG_NAME = Pattern.compile("(?:.*/)?([a-f0-9]{64})\\.json");
    private static final String SPOOLED = "application/octet-stream";

    private final ImageStore store;

    public ImageArchiveReader(ImageStore store) {
        this.store = store;
    }

    /** A regular file of the archive: digest (sha256, or the algorithm its blobs/ name gives) and size; small ones in memory. */
    private record ArchiveFile(String name, Digest digest, long size, byte[] bytes, Compression compression) {
    }

    /** An image checked and ready to be named. */
    private record Planned(Descriptor root, List<Reference> names) {
    }

    /** Loads every image of the archive read from {@code in} (not closed), returning them in archive order. */
    public List<LoadedImage> load(InputStream in) {
        try (Lease lease = store.lease()) {
            Session session = new Session(lease);
            session.read(in);
            List<Planned> planned = session.plan();
            List<LoadedImage> loaded = new ArrayList<>();
            for (Planned p : planned) {
                if (p.names().isEmpty()) {
                    store.addUntagged(p.root());
                }
                for (Reference name : p.names()) {
                    store.tag(name, p.root());
                }
                loaded.add(new LoadedImage(p.root(), imageId(p), p.names()));
            }
            return loaded;
        }
    }

    private static Reference tagOnly(Reference reference) {
        return new Reference(reference.domain(), reference.path(), reference.tag(), null);
    }

    private Digest imageId(Planned p) {
        try {
            return store.image(p.root(), List.of()).id();
        } catch (OciException noManifestForThisPlatform) {
            return p.root().digest();
        }
    }

    /** The state of one load. */
    private final class Session {
        private final Lease lease;
        private final Map<String, ArchiveFile> files = new LinkedHashMap<>();
        private final Map<String, String> links = new HashMap<>();
        /** Digests already committed (or held) through the lease. */
        private final Set<Digest> committed = new java.util.HashSet<>();
        private final byte[] buffer = new byte[BUFFER];
        private long inMemory;
        private long entries;

        Session(Lease lease) {
            this.lease = lease;
        }

        // ---- reading the stream

        void read(InputStream in) {
            InputStream tarStream;
            try {
                tarStream = Compressors.decompressDetected(in);
            } catch (OciException e) {
                throw new OciException("not an image archive: " + e.getMessage(), e);
            }
            // Berth's bounded tar reader, not Commons Compress: an archive may be hostile, and Commons buffers
            // extended headers of any declared size (see TarReader).
            TarReader tar = new TarReader(tarStream);
            String current = null;
            try {
                for (TarEntry entry; (entry = nextEntry(tar)) != null; ) {
                    entries++;
                    current = ArchivePaths.printable(entry.name());
                    readEntry(tar, entry);
                }
            } catch (IOException e) {
                throw new OciException("the archive is truncated or damaged" + (current == null ? "" : " at entry '" + current + "'")
                        + ": " + e.getMessage(), e);
            }
            if (entries == 0) {
                throw new OciException("not an image archive: the input is empty or not a tar archive");
            }
        }

        private TarEntry nextEntry(TarReader tar) throws IOException {
            try {
                return tar.next();
            } catch (IOException | IllegalArgumentException | OciException e) {
                if (entries == 0) {
                    throw new OciException("not an image archive: the input is not a tar archive (" + e.getMessage() + ")", e);
                }
                throw new OciException("the archive is damaged after " + entries + " entries: " + e.getMessage(), e);
            }
        }

        private void readEntry(TarReader tar, TarEntry entry) throws IOException {
            String name = ArchivePaths.normalize(entry.name());
            if (entry.isDirectory()) {
                return;
            }
            if (entry.isSymlink()) {
                links.put(name, ArchivePaths.resolveSymlink(name, entry.linkName()));
                files.remove(name);
            } else if (entry.isHardLink()) {
                links.put(name, ArchivePaths.normalize(entry.linkName()));
                files.remove(name);
            } else if (entry.isRegularFile()) {
                links.remove(name);
                files.put(name, readFile(tar.content(), name, entry.size()));
            } else {
                // The reader refuses sparse files and folds PAX and GNU extension headers in; what is left are
                // devices and FIFOs.
                throw new OciException("archive entry '" + ArchivePaths.printable(name) + "' is a " + entry.typeName()
                        + "; an image archive holds only files, directories and links");
            }
        }

        private ArchiveFile readFile(InputStream tar, String name, long size) throws IOException {
            Digest expected = blobDigest(name);
            if (size <= SMALL_FILE) {
                inMemory += size;
                if (inMemory > MEMORY_LIMIT) {
                    throw new OciException("the archive has more than " + (MEMORY_LIMIT >> 20)
                            + " MiB of small files; refused");
                }
                byte[] bytes = tar.readNBytes((int) size);
                if (bytes.length != size) {
                    throw truncated(name);
                }
                Digest actual = Digest.of(expected == null ? "sha256" : expected.algorithm(),
                        Digest.newMessageDigest(expected == null ? "sha256" : expected.algorithm()).digest(bytes));
                if (expected != null && !expected.equals(actual)) {
                    throw mismatch(name, actual);
                }
                return new ArchiveFile(name, actual, size, bytes, Compressors.detect(bytes));
            }
            if (expected != null && lease.holdIfPresent(expected)) {
                // The store has it already: verify the archive's copy without writing it again.
                committed.add(expected);
                MessageDigest hasher = expected.newMessageDigest();
                byte[] head = copy(tar, new java.security.DigestOutputStream(OutputStream.nullOutputStream(), hasher), name, size);
                Digest actual = Digest.of(expected.algorithm(), hasher.digest());
                if (!expected.equals(actual)) {
                    throw mismatch(name, actual);
                }
                return new ArchiveFile(name, expected, size, null, Compressors.detect(head));
            }
            try (BlobWriter writer = lease.writer()) {
                byte[] head = copy(tar, writer, name, size);
                Descriptor d;
                try {
                    d = writer.commit(SPOOLED, expected, size);
                } catch (OciException e) {
                    throw expected != null ? new OciException("archive entry '" + ArchivePaths.printable(name)
                            + "' does not match its digest: " + e.getMessage(), e) : e;
                }
                committed.add(d.digest());
                return new ArchiveFile(name, d.digest(), size, null, Compressors.detect(head));
            }
        }

        /** Copies an entry's content to a sink, checks it was all there, and returns its first bytes (to sniff compression). */
        private byte[] copy(InputStream tar, OutputStream sink, String name, long size) throws IOException {
            byte[] head = new byte[4];
            int headLength = 0;
            long copied = 0;
            for (int n; (n = tar.read(buffer)) > 0; ) {
                if (headLength < head.length) {
                    int k = Math.min(head.length - headLength, n);
                    System.arraycopy(buffer, 0, head, headLength, k);
                    headLength += k;
                }
                sink.write(buffer, 0, n);
                copied += n;
            }
            if (copied != size) {
                throw truncated(name);
            }
            return java.util.Arrays.copyOf(head, headLength);
        }

        /** The digest a {@code blobs/ALG/HEX} name promises, or null for other names. */
        private Digest blobDigest(String name) {
            if (!name.startsWith("blobs/")) {
                return null;
            }
            String[] parts = name.split("/");
            if (parts.length != 3) {
                return null;
            }
            try {
                return new Digest(parts[1], parts[2]);
            } catch (OciException e) {
                throw new OciException("archive entry '" + ArchivePaths.printable(name) + "' is not named by a valid digest: " + e.getMessage(), e);
            }
        }

        private OciException truncated(String name) {
            return new OciException("the archive is truncated: entry '" + ArchivePaths.printable(name) + "' ends early");
        }

        private OciException mismatch(String name, Digest actual) {
            return new OciException("archive entry '" + ArchivePaths.printable(name) + "' does not match its digest: its content hashes to "
                    + actual + "; refused");
        }

        // ---- looking up what was read

        /** The file at an archive name, following links; null if the archive has none. */
        private ArchiveFile file(String name) {
            String current = ArchivePaths.normalize(name);
            for (int hops = 0; hops <= 40; hops++) {
                ArchiveFile f = files.get(current);
                if (f != null) {
                    return f;
                }
                String target = links.get(current);
                if (target == null) {
                    return null;
                }
                current = target;
            }
            throw new OciException("archive entry '" + ArchivePaths.printable(name) + "' is a loop of links");
        }

        /** Makes the file's blob visible in the store (held by the lease). */
        private void commit(ArchiveFile f) {
            if (committed.contains(f.digest())) {
                return;
            }
            if (f.bytes() == null) {
                throw new IllegalStateException("spooled file not committed: " + f.name());
            }
            if (!lease.holdIfPresent(f.digest())) {
                try (BlobWriter writer = lease.writer()) {
                    writer.write(f.bytes());
                    writer.commit(SPOOLED, f.digest(), f.size());
                } catch (IOException e) {
                    throw new OciException("cannot write blob " + f.digest() + ": " + e.getMessage(), e);
                }
            }
            committed.add(f.digest());
        }

        private byte[] bytes(ArchiveFile f) {
            if (f.bytes() != null) {
                return f.bytes();
            }
            return store.content().read(f.digest());
        }

        private InputStream stream(ArchiveFile f) {
            return f.bytes() != null ? new ByteArrayInputStream(f.bytes()) : store.content().open(f.digest());
        }

        // ---- checking the images

        List<Planned> plan() {
            if (file("index.json") != null) {
                return planOci();
            }
            if (file("oci-layout") != null) {
                throw new OciException("not a complete OCI image layout: the archive has oci-layout but no index.json");
            }
            if (file("manifest.json") != null) {
                return planDocker();
            }
            throw new OciException("not an image archive: it has neither index.json (an OCI image layout) nor manifest.json"
                    + " (docker save format)");
        }

        private List<Planned> planOci() {
            ArchiveFile layout = file("oci-layout");
            if (layout != null) {
                String version = Json.tree(bytes(layout), "oci-layout in the archive").path("imageLayoutVersion").asString(null);
                if (version == null || !version.startsWith("1.")) {
                    throw new OciException("unsupported OCI image layout version '" + version + "' in the archive's oci-layout");
                }
            }
            Index index = Json.read(bytes(file("index.json")), Index.class, "index.json in the archive");
            if (index.manifests().isEmpty()) {
                throw new OciException("the archive's index.json lists no images");
            }
            Map<Digest, Planned> planned = new LinkedHashMap<>();
            for (Descriptor d : index.manifests()) {
                if (d.digest() == null) {
                    throw new OciException("the archive's index.json has an entry without a digest");
                }
                Descriptor root = d.withAnnotations(null);
                if (root.mediaType() == null) {
                    root = root.withMediaType(mediaTypeOf(requireBlob(root, "index.json")));
                }
                if (!MediaTypes.isManifest(root.mediaType()) && !MediaTypes.isIndex(root.mediaType())) {
                    throw new OciException("the archive's index.json lists " + root.digest() + " of media type "
                            + root.mediaType() + ", which is not an image manifest or index");
                }
                walk(root, "index.json", 0);
                List<Reference> names = namesFromAnnotations(d);
                Planned previous = planned.get(root.digest());
                List<Reference> all = new ArrayList<>(previous == null ? List.of() : previous.names());
                for (Reference n : names) {
                    if (!all.contains(n)) {
                        all.add(n);
                    }
                }
                planned.put(root.digest(), new Planned(previous == null ? root : previous.root(), all));
            }
            return List.copyOf(planned.values());
        }

        private String mediaTypeOf(ArchiveFile f) {
            return Json.tree(bytes(f), "blob " + f.digest()).path("mediaType").asString(null);
        }

        /** Checks that {@code d} and everything it reaches is in the archive (or the store) with the right size. */
        private void walk(Descriptor d, String referrer, int depth) {
            if (depth > 8) {
                throw new OciException("the archive's image indexes nest too deeply at " + d.digest());
            }
            ArchiveFile f = requireBlob(d, referrer);
            String what = MediaTypes.isIndex(d.mediaType()) ? "image index " : "manifest ";
            if (MediaTypes.isIndex(d.mediaType())) {
                Index index = Json.read(bytes(f), Index.class, "image index " + d.digest() + " in the archive");
                for (Descriptor child : index.manifests()) {
                    walk(child, what + d.digest(), depth + 1);
                }
            } else if (MediaTypes.isManifest(d.mediaType())) {
                Manifest m = Json.read(bytes(f), Manifest.class, "manifest " + d.digest() + " in the archive");
                if (m.config() == null) {
                    throw new OciException("manifest " + d.digest() + " in the archive has no config");
                }
                requireBlob(m.config().withMediaType(m.config().mediaType() == null ? "config" : m.config().mediaType()),
                        what + d.digest());
                for (Descriptor layer : m.layers()) {
                    requireBlob(layer, what + d.digest());
                }
            }
        }

        /** The archive's file for a descriptor, committed to the store; or the store's copy, now held. */
        private ArchiveFile requireBlob(Descriptor d, String referrer) {
            ArchiveFile f = file("blobs/" + d.digest().algorithm() + "/" + d.digest().encoded());
            String kind = kindOf(d.mediaType());
            if (f == null) {
                if (lease.holdIfPresent(d.digest())) {
                    long size = store.content().size(d.digest());
                    if (size != d.size()) {
                        throw new OciException(referrer + " gives " + kind + " " + d.digest() + " the size " + d.size()
                                + ", but it has " + size + " bytes");
                    }
                    committed.add(d.digest());
                    return new ArchiveFile(d.digest().toString(), d.digest(), size, null, Compression.NONE);
                }
                throw new OciException(referrer + " references " + kind + " " + d.digest()
                        + ", which is not in the archive; refused");
            }
            if (f.size() != d.size()) {
                throw new OciException(referrer + " gives " + kind + " " + d.digest() + " the size " + d.size()
                        + ", but the archive's blob has " + f.size() + " bytes");
            }
            commit(f);
            return f;
        }

        private static String kindOf(String mediaType) {
            if (mediaType == null) {
                return "blob";
            }
            if (MediaTypes.isIndex(mediaType)) {
                return "image index";
            }
            if (MediaTypes.isManifest(mediaType)) {
                return "manifest";
            }
            if (MediaTypes.isLayer(mediaType)) {
                return "layer";
            }
            if (mediaType.contains("config")) {
                return "config";
            }
            return "blob";
        }

        /**
         * The names of an index.json entry: {@code io.containerd.image.name} (Docker's and containerd's save), else a
         * {@code org.opencontainers.image.ref.name} that is a full reference rather than a bare tag (Podman's save).
         */
        private List<Reference> namesFromAnnotations(Descriptor d) {
            String name = d.annotation(Annotations.CONTAINERD_IMAGE_NAME);
            if (name == null) {
                String ref = d.annotation(Annotations.REF_NAME);
                if (ref == null || TAG.matcher(ref).matches()) {
                    return List.of();
                }
                name = ref;
            }
            Reference reference;
            try {
                reference = Reference.parse(name);
            } catch (OciException e) {
                throw new OciException("the archive's index.json names an image '" + ArchivePaths.printable(name)
                        + "', which is not a valid name: " + e.getMessage(), e);
            }
            return reference.tag() == null ? List.of() : List.of(tagOnly(reference));
        }

        private List<Planned> planDocker() {
            DockerManifestEntry[] array = Json.read(bytes(file("manifest.json")), DockerManifestEntry[].class,
                    "manifest.json in the archive");
            if (array == null || java.util.Arrays.asList(array).contains(null)) {
                throw new OciException("malformed manifest.json in the archive: expected a list of images");
            }
            List<DockerManifestEntry> entries = List.of(array);
            if (entries.isEmpty()) {
                throw new OciException("the archive's manifest.json lists no images");
            }
            Map<Digest, Planned> planned = new LinkedHashMap<>();
            Map<Digest, Digest> diffIds = new HashMap<>();
            for (DockerManifestEntry entry : entries) {
                if (entry.config() == null) {
                    throw new OciException("an image in the archive's manifest.json has no Config");
                }
                ArchiveFile configFile = file(entry.config());
                if (configFile == null) {
                    throw new OciException("manifest.json names the config '" + ArchivePaths.printable(entry.config())
                            + "', which is not in the archive; refused");
                }
                var configName = CONFIG_NAME.matcher(ArchivePaths.normalize(entry.config()));
                if (configName.matches() && !configName.group(1).equals(configFile.digest().encoded())) {
                    throw new OciException("archive entry '" + ArchivePaths.printable(entry.config())
                            + "' does not match its digest: its content hashes to " + configFile.digest() + "; refused");
                }
                ImageConfig config = Json.read(bytes(configFile), ImageConfig.class, "image config " + entry.config() + " in the archive");
                List<String> layerPaths = entry.layers() == null ? List.of() : entry.layers();
                if (config.diffIds().size() != layerPaths.size()) {
                    throw new OciException("image config " + entry.config() + " lists " + config.diffIds().size()
                            + " diff_ids but manifest.json lists " + layerPaths.size() + " layers for it");
                }
                List<Descriptor> layers = new ArrayList<>();
                for (int i = 0; i < layerPaths.size(); i++) {
                    String path = layerPaths.get(i);
                    ArchiveFile layer = path == null ? null : file(path);
                    if (layer == null) {
                        throw new OciException("manifest.json lists the layer '" + ArchivePaths.printable(String.valueOf(path))
                                + "' of " + entry.config() + ", which is not in the archive; refused");
                    }
                    Digest wanted = Digest.parse(config.diffIds().get(i));
                    Digest diffId = diffIds.computeIfAbsent(layer.digest(), d -> diffIdOf(layer, wanted.algorithm()));
                    if (!diffId.equals(wanted)) {
                        throw new OciException("layer '" + ArchivePaths.printable(path) + "' in the archive has diff_id " + diffId
                                + " but its image config expects " + wanted + "; refused");
                    }
                    commit(layer);
                    layers.add(Descriptor.of(MediaTypes.ociLayer(layer.compression()), layer.digest(), layer.size()));
                }
                commit(configFile);
                Descriptor configDescriptor = Descriptor.of(MediaTypes.OCI_CONFIG, configFile.digest(), configFile.size());
                byte[] manifest = Json.canonicalBytes(Manifest.oci(configDescriptor, layers, null));
                Descriptor root = lease.put(MediaTypes.OCI_MANIFEST, manifest);
                List<Reference> names = new ArrayList<>();
                for (String tag : entry.repoTags() == null ? List.<String>of() : entry.repoTags()) {
                    Reference reference;
                    try {
                        reference = Reference.parse(tag);
                    } catch (OciException e) {
                        throw new OciException("manifest.json names an image '" + ArchivePaths.printable(tag)
                                + "', which is not a valid name: " + e.getMessage(), e);
                    }
                    if (reference.tag() != null && !names.contains(tagOnly(reference))) {
                        names.add(tagOnly(reference));
                    }
                }
                Planned previous = planned.get(root.digest());
                if (previous != null) {
                    names.addAll(0, previous.names());
                    names = List.copyOf(new LinkedHashSet<>(names));
                }
                planned.put(root.digest(), new Planned(root, names));
            }
            return List.copyOf(planned.values());
        }

        /** The digest of a layer's uncompressed tar: the blob's own for a plain tar, else that of its decompression. */
        private Digest diffIdOf(ArchiveFile layer, String algorithm) {
            if (layer.compression() == Compression.NONE && layer.digest().algorithm().equals(algorithm)) {
                return layer.digest();
            }
            try (DigestingInputStream in = new DigestingInputStream(Compressors.decompress(stream(layer), layer.compression()), algorithm)) {
                in.transferTo(OutputStream.nullOutputStream());
                return in.digest();
            } catch (IOException e) {
                throw new OciException("cannot decompress layer '" + ArchivePaths.printable(layer.name()) + "' of the archive: "
                        + e.getMessage(), e);
            }
        }
    }
}
