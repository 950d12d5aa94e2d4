package dev.berth.oci.store;

import dev.berth.oci.OciException;
import dev.berth.oci.digest.Digest;
import dev.berth.oci.image.Descriptor;
import dev.berth.oci.image.ImageConfig;
import dev.berth.oci.image.Index;
import dev.berth.oci.image.Manifest;
import dev.berth.oci.image.MediaTypes;
import dev.berth.oci.image.Platform;
import dev.berth.oci.json.Json;
import dev.berth.oci.reference.Reference;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/** The image store: content-addressed blobs plus the names that root them, under one Berth root. */
public final class ImageStore {
    private static final Pattern ID_PREFIX = Pattern.compile("(?:sha256:)?[a-f0-9]{1,64}");

    private final StorePaths paths;
    private final ContentStore content;
    private final NameIndex names;

    private ImageStore(StorePaths paths) {
        this.paths = paths;
        this.content = new ContentStore(paths);
        this.names = new NameIndex(paths);
    }

    public static ImageStore open(Path root) {
        return new ImageStore(new StorePaths(root));
    }

    public static ImageStore openDefault() {
        return open(StorePaths.defaultRoot());
    }

    public StorePaths paths() {
        return paths;
    }

    public ContentStore content() {
        return content;
    }

    public Pins pins() {
        return new Pins(paths);
    }

    public NameIndex names() {
        return names;
    }

    public Lease lease() {
        return content.lease();
    }

    // ---- reading images

    /** Every root with its names, one Image per root descriptor, in index order. */
    public List<Image> images() {
        List<NameIndex.Entry> entries = names.read();
        List<Image> images = new ArrayList<>();
        Set<Digest> seen = new LinkedHashSet<>();
        for (NameIndex.Entry entry : entries) {
            if (seen.add(entry.target().digest())) {
                images.add(image(entry.target(), namesOf(entries, entry.target().digest())));
            }
        }
        return images;
    }

    /**
     * Finds an image the way Docker does: by name ({@code busybox}, {@code busybox:1.36}), by digest reference
     * ({@code busybox@sha256:…}), or by ID ({@code sha256:…}, or a unique prefix of its hex).
     */
    public Image resolve(String userInput) {
        return find(userInput).orElseThrow(() -> new OciException("No such image: " + userInput));
    }

    public Optional<Image> find(String userInput) {
        List<NameIndex.Entry> entries = names.read();
        Reference reference = null;
        OciException parseError = null;
        try {
            reference = Reference.parse(userInput);
        } catch (OciException e) {
            parseError = e;
        }
        if (reference != null) {
            if (reference.digest() != null) {
                Digest wanted = reference.digest();
                for (NameIndex.Entry e : entries) {
                    if (e.target().digest().equals(wanted)) {
                        return Optional.of(image(e.target(), namesOf(entries, wanted)));
                    }
                }
                if (content.contains(wanted)) {
                    // a manifest of a stored index, asked for by its own digest
                    for (NameIndex.Entry e : entries) {
                        if (MediaTypes.isIndex(e.target().mediaType())) {
                            for (Descriptor child : readIndex(e.target().digest()).manifests()) {
                                if (child.digest().equals(wanted)) {
                                    return Optional.of(imageOfManifest(e.target(), child, namesOf(entries, e.target().digest())));
                                }
                            }
                        }
                    }
                }
            } else {
                String full = reference.toString();
                for (NameIndex.Entry e : entries) {
                    if (full.equals(e.name())) {
                        return Optional.of(image(e.target(), namesOf(entries, e.target().digest())));
                    }
                }
            }
        }
        if (ID_PREFIX.matcher(userInput).matches()) {
            return findById(entries, userInput.startsWith("sha256:") ? userInput.substring(7) : userInput);
        }
        if (reference == null) {
            throw parseError;
        }
        return Optional.empty();
    }

    private Optional<Image> findById(List<NameIndex.Entry> entries, String hexPrefix) {
        List<Image> matches = new ArrayList<>();
        Set<Digest> roots = new LinkedHashSet<>();
        for (NameIndex.Entry e : entries) {
            if (roots.add(e.target().digest())) {
                Image image = image(e.target(), namesOf(entries, e.target().digest()));
                if (image.id().encoded().startsWith(hexPrefix) || e.target().digest().encoded().startsWith(hexPrefix)) {
                    matches.add(image);
                }
            }
        }
        long distinct = matches.stream().map(Image::id).distinct().count();
        if (distinct > 1) {
            throw new OciException("image ID prefix '" + hexPrefix + "' is ambiguous: it matches " + distinct + " images");
        }
        return matches.stream().findFirst();
    }

    /** The image a root descriptor stands for, choosing this host's platform from an index. */
    public Image image(Descriptor root, List<String> imageNames) {
        if (MediaTypes.isIndex(root.mediaType())) {
            Index index = readIndex(root.digest());
            Descriptor chosen = choosePlatform(index, Platform.host())
                    .orElseThrow(() -> new OciException("image " + root.digest() + " has no manifest for " + Platform.host()));
            return imageOfManifest(root, chosen, imageNames);
        }
        return imageOfManifest(root, root, imageNames);
    }

    private Image imageOfManifest(Descriptor root, Descriptor manifestDescriptor, List<String> imageNames) {
        Manifest manifest = readManifest(manifestDescriptor.digest());
        if (manifest.config() == null) {
            throw new OciException("manifest " + manifestDescriptor.digest() + " has no config");
        }
        ImageConfig config = Json.read(content.read(manifest.config().digest()), ImageConfig.class,
                "image config " + manifest.config().digest());
        return new Image(root, manifestDescriptor, manifest, config, imageNames);
    }

    public Manifest readManifest(Digest digest) {
        return Json.read(content.read(digest), Manifest.class, "manifest " + digest);
    }

    public Index readIndex(Digest digest) {
        return Json.read(content.read(digest), Index.class, "image index " + digest);
    }

    /** The best manifest of an index for a platform: exact os/architecture (and variant when both name one). */
    public static Optional<Descriptor> choosePlatform(Index index, Platform wanted) {
        Descriptor fallback = null;
        for (Descriptor d : index.manifests()) {
            Platform p = d.platform();
            if (p == null || !MediaTypes.isManifest(d.mediaType())) {
                continue;
            }
            if (Objects.equals(p.os(), wanted.os()) && Objects.equals(p.architecture(), wanted.architecture())) {
                if (wanted.variant() == null || p.variant() == null || wanted.variant().equals(p.variant())) {
                    return Optional.of(d);
                }
                fallback = d;
            }
        }
        return Optional.ofNullable(fallback);
    }

    private static List<String> namesOf(List<NameIndex.Entry> entries, Digest root) {
        return entries.stream().filter(e -> e.named() && e.target().digest().equals(root)).map(NameIndex.Entry::name).toList();
    }

    // ---- names

    /**
     * Points a name at a root. Its blobs must be in the store already (a lease holds them until this returns). A
     * root that loses its last name stays as an untagged image, as in Docker.
     */
    public void tag(Reference name, Descriptor root) {
        if (name.tag() == null) {
            throw new OciException("cannot name an image '" + name + "': a name needs a tag");
        }
        requireClosure(root);
        String full = name.repositoryOnly().withTag(name.tag()).toString();
        Descriptor target = root.withAnnotations(null);
        names.update(entries -> {
            Optional<NameIndex.Entry> previous = entries.stream().filter(e -> full.equals(e.name())).findFirst();
            entries.removeIf(e -> full.equals(e.name()));
            entries.removeIf(e -> !e.named() && e.target().digest().equals(target.digest()));
            entries.add(new NameIndex.Entry(full, target));
            previous.ifPresent(p -> {
                boolean stillRooted = entries.stream().anyMatch(e -> e.target().digest().equals(p.target().digest()));
                if (!stillRooted) {
                    entries.add(new NameIndex.Entry(null, p.target()));
                }
            });
            return entries;
        });
    }

    /** Keeps a root without a name (an archive entry that carried none). */
    public void addUntagged(Descriptor root) {
        requireClosure(root);
        Descriptor target = root.withAnnotations(null);
        names.update(entries -> {
            if (entries.stream().noneMatch(e -> e.target().digest().equals(target.digest()))) {
                entries.add(new NameIndex.Entry(null, target));
            }
            return entries;
        });
    }

    /** What {@code rmi} did, in Docker's words: "Untagged: …" and "Deleted: …" lines. */
    public record Removal(List<String> untagged, List<Digest> deleted) {
    }

    /**
     * Removes an image as {@code docker rmi} does: by name, the name goes, and the image with it when it was the last;
     * by ID, the image and all its names, which needs {@code force} when it has several names.
     */
    public Removal remove(String userInput, boolean force) {
        Image image = resolve(userInput);
        List<String> untagged = new ArrayList<>();
        List<Digest> deleted = new ArrayList<>();
        Reference asName = null;
        try {
            asName = Reference.parse(userInput);
        } catch (OciException notAName) {
            // an ID
        }
        String full = asName == null || asName.digest() != null ? null : asName.toString();
        boolean byName = full != null && image.names().contains(full);
        if (!byName && image.names().size() > 1 && !force) {
            throw new OciException("conflict: unable to delete " + image.id().shortHex()
                    + " (must be forced) - image is referenced in multiple repositories");
        }
        Digest rootDigest = image.root().digest();
        if (!force) {
            List<NameIndex.Entry> current = names.read();
            boolean lastName = byName ? current.stream().filter(e -> e.target().digest().equals(rootDigest)).count() <= 1 : true;
            if (lastName) {
                for (Pins.Pin pin : pins().list()) {
                    Digest pinned = pin.root().digest();
                    if (pinned.equals(rootDigest) || pinned.equals(image.manifestDescriptor().digest())) {
                        throw new OciException("conflict: unable to remove repository reference \"" + userInput
                                + "\" (must force) - " + pin.description() + " is using its referenced image "
                                + image.id().shortHex());
                    }
                }
            }
        }
        names.update(entries -> {
            if (byName) {
                entries.removeIf(e -> full.equals(e.name()));
                untagged.add(full);
            } else {
                for (NameIndex.Entry e : entries) {
                    if (e.named() && e.target().digest().equals(rootDigest)) {
                        untagged.add(e.name());
                    }
                }
                entries.removeIf(e -> e.target().digest().equals(rootDigest));
            }
            if (entries.stream().noneMatch(e -> e.target().digest().equals(rootDigest))) {
                deleted.add(image.id());
            }
            return entries;
        });
        return new Removal(untagged, deleted);
    }

    // ---- reachability

    /** Every blob a root reaches (itself, child manifests, configs, layers); missing ones are reported, not thrown. */
    public Set<Digest> closure(Descriptor root, List<String> missing) {
        Set<Digest> reached = new LinkedHashSet<>();
        walk(root, reached, missing);
        return reached;
    }

    private void walk(Descriptor d, Set<Digest> reached, List<String> missing) {
        if (!reached.add(d.digest())) {
            return;
        }
        if (!content.contains(d.digest())) {
            missing.add(d.digest() + " (" + d.mediaType() + ")");
            return;
        }
        if (MediaTypes.isIndex(d.mediaType())) {
            for (Descriptor child : readIndex(d.digest()).manifests()) {
                walk(child, reached, missing);
            }
        } else if (MediaTypes.isManifest(d.mediaType())) {
            Manifest m = readManifest(d.digest());
            if (m.config() != null) {
                walk(m.config(), reached, missing);
            }
            for (Descriptor layer : m.layers()) {
                walk(layer, reached, missing);
            }
        }
    }

    private void requireClosure(Descriptor root) {
        List<String> missing = new ArrayList<>();
        closure(root, missing);
        if (!missing.isEmpty()) {
            throw new OciException("cannot name image " + root.digest() + ": blobs missing from the store: " + String.join(", ", missing));
        }
    }
}
