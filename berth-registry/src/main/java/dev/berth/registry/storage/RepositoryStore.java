package dev.berth.registry.storage;

import dev.berth.oci.digest.Digest;
import dev.berth.oci.image.Descriptor;
import dev.berth.oci.json.Json;
import dev.berth.oci.store.AtomicFiles;
import dev.berth.registry.RegistryException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * What each repository holds, as small link files under {@code repositories/<name>/}: {@code _layers/<alg>/<hex>} for
 * blobs uploaded or mounted there, {@code _manifests/revisions/<alg>/<hex>} (holding the media type) for manifests,
 * {@code _manifests/tags/<tag>} (holding a digest), and {@code _referrers/<alg>/<hex>/} with one descriptor per manifest
 * whose subject is that digest. Names nest as directories; the '_' prefix cannot clash with a name component.
 */
final class RepositoryStore {
    private static final String LAYERS = "_layers";
    private static final String MANIFESTS = "_manifests";
    private static final String REFERRERS = "_referrers";

    private final Path dir;

    RepositoryStore(Path root) {
        this.dir = root.resolve("repositories");
    }

    boolean exists(RepositoryName repository) {
        Path repo = repo(repository);
        return Files.isDirectory(repo.resolve(LAYERS)) || Files.isDirectory(repo.resolve(MANIFESTS));
    }

    void linkBlob(RepositoryName repository, Digest digest) {
        writeLink(digestPath(repo(repository).resolve(LAYERS), digest), new byte[0]);
    }

    boolean hasBlob(RepositoryName repository, Digest digest) {
        return Files.exists(digestPath(repo(repository).resolve(LAYERS), digest));
    }

    boolean unlinkBlob(RepositoryName repository, Digest digest) {
        return delete(digestPath(repo(repository).resolve(LAYERS), digest));
    }

    void linkManifest(RepositoryName repository, Digest digest, String mediaType) {
        writeLink(revision(repository, digest), mediaType.getBytes(StandardCharsets.UTF_8));
    }

    /** The media type of a manifest this repository holds, or empty if it does not hold it. */
    Optional<String> manifestMediaType(RepositoryName repository, Digest digest) {
        return read(revision(repository, digest));
    }

    boolean unlinkManifest(RepositoryName repository, Digest digest) {
        return delete(revision(repository, digest));
    }

    List<Digest> manifests(RepositoryName repository) {
        List<Digest> digests = new ArrayList<>();
        Path revisions = repo(repository).resolve(MANIFESTS).resolve("revisions");
        for (String algorithm : list(revisions)) {
            for (String hex : list(revisions.resolve(algorithm))) {
                parseDigest(algorithm, hex).ifPresent(digests::add);
            }
        }
        return digests;
    }

    void tag(RepositoryName repository, String tag, Digest digest) {
        writeLink(tagPath(repository, tag), digest.toString().getBytes(StandardCharsets.UTF_8));
    }

    Optional<Digest> resolveTag(RepositoryName repository, String tag) {
        return read(tagPath(repository, tag)).map(Digest::parse);
    }

    boolean untag(RepositoryName repository, String tag) {
        return delete(tagPath(repository, tag));
    }

    SortedSet<String> tags(RepositoryName repository) {
        TreeSet<String> tags = new TreeSet<>();
        for (String name : list(repo(repository).resolve(MANIFESTS).resolve("tags"))) {
            if (!name.startsWith(".")) {
                tags.add(name);
            }
        }
        return tags;
    }

    void addReferrer(RepositoryName repository, Digest subject, Descriptor referrer) {
        writeLink(referrerPath(repository, subject, referrer.digest()), Json.canonicalBytes(referrer));
    }

    void removeReferrer(RepositoryName repository, Digest subject, Digest referrer) {
        delete(referrerPath(repository, subject, referrer));
    }

    List<Descriptor> referrers(RepositoryName repository, Digest subject) {
        Path folder = digestPath(repo(repository).resolve(REFERRERS), subject);
        List<Descriptor> descriptors = new ArrayList<>();
        for (String name : list(folder)) {
            if (!name.startsWith(".")) {
                read(folder.resolve(name)).ifPresent(json ->
                        descriptors.add(Json.read(json.getBytes(StandardCharsets.UTF_8), Descriptor.class, "referrer link")));
            }
        }
        return descriptors;
    }

    /** Every repository name, sorted. */
    SortedSet<String> repositories() {
        TreeSet<String> names = new TreeSet<>();
        if (!Files.isDirectory(dir)) {
            return names;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.filter(p -> p.getFileName().toString().equals(LAYERS) || p.getFileName().toString().equals(MANIFESTS))
                    .filter(p -> Files.isDirectory(p))
                    .map(p -> dir.relativize(p.getParent()))
                    .filter(RepositoryStore::isName)
                    .forEach(p -> names.add(p.toString().replace(p.getFileSystem().getSeparator(), "/")));
        } catch (IOException e) {
            throw new RegistryException("cannot list repositories in " + dir + ": " + e.getMessage(), e);
        }
        return names;
    }

    private static boolean isName(Path relative) {
        try {
            new RepositoryName(relative.toString().replace(relative.getFileSystem().getSeparator(), "/"));
            return true;
        } catch (DistributionException e) {
            return false;
        }
    }

    private Path repo(RepositoryName repository) {
        return dir.resolve(repository.value());
    }

    private Path revision(RepositoryName repository, Digest digest) {
        return digestPath(repo(repository).resolve(MANIFESTS).resolve("revisions"), digest);
    }

    private Path tagPath(RepositoryName repository, String tag) {
        return repo(repository).resolve(MANIFESTS).resolve("tags").resolve(Tags.require(tag));
    }

    private Path referrerPath(RepositoryName repository, Digest subject, Digest referrer) {
        return digestPath(repo(repository).resolve(REFERRERS), subject)
                .resolve(referrer.algorithm() + "-" + referrer.encoded());
    }

    private static Path digestPath(Path base, Digest digest) {
        return base.resolve(digest.algorithm()).resolve(digest.encoded());
    }

    static Optional<Digest> parseDigest(String algorithm, String hex) {
        try {
            return Optional.of(new Digest(algorithm, hex));
        } catch (RuntimeException e) {
            return Optional.empty(); // a stray temporary file, not a link
        }
    }

    private static void writeLink(Path path, byte[] content) {
        try {
            Files.createDirectories(path.getParent());
        } catch (IOException e) {
            throw new RegistryException("cannot create " + path.getParent() + ": " + e.getMessage(), e);
        }
        AtomicFiles.write(path, content);
    }

    private static Optional<String> read(Path path) {
        try {
            return Optional.of(Files.readString(path, StandardCharsets.UTF_8).trim());
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new RegistryException("cannot read " + path + ": " + e.getMessage(), e);
        }
    }

    private static boolean delete(Path path) {
        try {
            return Files.deleteIfExists(path);
        } catch (IOException e) {
            throw new RegistryException("cannot delete " + path + ": " + e.getMessage(), e);
        }
    }

    private static List<String> list(Path folder) {
        List<String> names = new ArrayList<>();
        if (!Files.isDirectory(folder)) {
            return names;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(folder)) {
            entries.forEach(p -> names.add(p.getFileName().toString()));
        } catch (IOException e) {
            throw new RegistryException("cannot list " + folder + ": " + e.getMessage(), e);
        }
        return names;
    }
}
