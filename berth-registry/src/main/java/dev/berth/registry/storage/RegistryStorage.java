package dev.berth.registry.storage;

import dev.berth.oci.OciException;
import dev.berth.oci.digest.Digest;
import dev.berth.oci.image.Descriptor;
import dev.berth.registry.RegistryException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The registry's storage on the file system, the one entry point of this package. Blobs are content-addressed and
 * shared ({@code blobs/}), repositories hold links to them ({@code repositories/}), uploads stream to
 * {@code uploads/}. Every operation that makes a blob reachable holds the storage lock shared, garbage collection holds
 * it alone, so a collection never deletes a blob between the check that it exists and its link.
 */
public final class RegistryStorage {
    /** The spec asks registries to accept manifests of at least 4 MiB; larger ones are refused (413). */
    public static final int MAX_MANIFEST_BYTES = 4 * 1024 * 1024;

    private final Path root;
    private final BlobStore blobs;
    private final UploadStore uploads;
    private final RepositoryStore repositories;
    private final StorageLock lock;

    public RegistryStorage(Path root) {
        this.root = root;
        try {
            Files.createDirectories(root);
        } catch (IOException e) {
            throw new RegistryException("cannot create the registry root " + root + ": " + e.getMessage(), e);
        }
        this.blobs = new BlobStore(root);
        this.uploads = new UploadStore(root);
        this.repositories = new RepositoryStore(root);
        this.lock = StorageLock.forRoot(root);
    }

    public Path root() {
        return root;
    }

    public boolean repositoryExists(RepositoryName repository) {
        return repositories.exists(repository);
    }

    /** A blob visible in this repository: uploaded or mounted there, and still present. */
    public Optional<BlobInfo> blob(RepositoryName repository, Digest digest) {
        return repositories.hasBlob(repository, digest) ? blobs.find(digest) : Optional.empty();
    }

    /** Removes the blob from the repository; its content goes with the next garbage collection if nothing uses it. */
    public void deleteBlob(RepositoryName repository, Digest digest) {
        if (!repositories.unlinkBlob(repository, digest)) {
            throw new DistributionException(ErrorCode.BLOB_UNKNOWN, digest + " is not in " + repository);
        }
    }

    public UploadStatus startUpload(RepositoryName repository) {
        return uploads.start(repository);
    }

    public UploadStatus uploadStatus(RepositoryName repository, String id) {
        return uploads.status(repository, id);
    }

    /** Appends a chunk; {@code start} and {@code length} (each may be null) come from Content-Range and Content-Length. */
    public UploadStatus appendUpload(RepositoryName repository, String id, Long start, Long length, InputStream body) {
        return uploads.append(repository, id, start, length, body);
    }

    /** Appends the optional last chunk, verifies the digest and publishes the blob in the repository. */
    public Digest finishUpload(RepositoryName repository, String id, Digest expected, Long start, Long length,
            InputStream body) {
        Path verified = uploads.finish(repository, id, expected, start, length, body);
        try (var held = lock.shared()) {
            blobs.adopt(verified, expected);
            repositories.linkBlob(repository, expected);
        } finally {
            uploads.discard(id);
        }
        return expected;
    }

    public void cancelUpload(RepositoryName repository, String id) {
        uploads.cancel(repository, id);
    }

    /** A monolithic upload: the whole blob in one request. */
    public Digest putBlob(RepositoryName repository, Digest expected, Long length, InputStream body) {
        UploadStatus upload = uploads.start(repository);
        try {
            return finishUpload(repository, upload.id(), expected, 0L, length, body);
        } catch (RuntimeException e) {
            uploads.discard(upload.id());
            throw e;
        }
    }

    /** Links a blob of {@code from} into {@code target}; false when {@code from} does not hold it. */
    public boolean mountBlob(RepositoryName target, RepositoryName from, Digest digest) {
        try (var held = lock.shared()) {
            if (!repositories.hasBlob(from, digest)) {
                return false;
            }
            Optional<BlobInfo> blob = blobs.find(digest);
            if (blob.isEmpty()) {
                return false;
            }
            blobs.touch(blob.get().path());
            repositories.linkBlob(target, digest);
            return true;
        } catch (IOException e) {
            throw new RegistryException("cannot mount " + digest + ": " + e.getMessage(), e);
        }
    }

    /** Validates and stores a manifest under a tag or its digest. */
    public PushedManifest putManifest(RepositoryName repository, String reference, String contentType, byte[] body) {
        if (body.length > MAX_MANIFEST_BYTES) {
            throw new DistributionException(ErrorCode.MANIFEST_TOO_LARGE,
                    "manifests are limited to " + MAX_MANIFEST_BYTES + " bytes, this one has " + body.length);
        }
        ParsedManifest parsed = ParsedManifest.parse(body, contentType);
        Digest digest;
        String tag = null;
        if (isDigest(reference)) {
            Digest named = parseDigest(reference, ErrorCode.DIGEST_INVALID);
            digest = Digest.of(named.algorithm(), named.newMessageDigest().digest(body));
            if (!digest.equals(named)) {
                throw new DistributionException(ErrorCode.DIGEST_INVALID,
                        "the manifest's digest is " + digest + ", not " + named);
            }
        } else {
            tag = Tags.require(reference);
            digest = Digest.sha256(body);
        }
        try (var held = lock.shared()) {
            requireReferencesPresent(repository, parsed);
            blobs.write(digest, body);
            repositories.linkManifest(repository, digest, parsed.mediaType());
            if (tag != null) {
                repositories.tag(repository, tag, digest);
            }
            if (parsed.subject() != null) {
                repositories.addReferrer(repository, parsed.subject(), referrerDescriptor(parsed, digest, body.length));
            }
        }
        return new PushedManifest(digest, parsed.subject());
    }

    public Optional<StoredManifest> manifest(RepositoryName repository, String reference) {
        Optional<Digest> digest = isDigest(reference)
                ? Optional.of(parseDigest(reference, ErrorCode.MANIFEST_INVALID))
                : repositories.resolveTag(repository, reference);
        if (digest.isEmpty()) {
            return Optional.empty();
        }
        Optional<String> mediaType = repositories.manifestMediaType(repository, digest.get());
        if (mediaType.isEmpty()) {
            return Optional.empty();
        }
        try {
            byte[] content = Files.readAllBytes(blobs.path(digest.get()));
            return Optional.of(new StoredManifest(digest.get(), mediaType.get(), content));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new RegistryException("cannot read manifest " + digest.get() + ": " + e.getMessage(), e);
        }
    }

    /** Deletes a tag, or a manifest by digest together with the tags that point to it. */
    public void deleteManifest(RepositoryName repository, String reference) {
        if (!isDigest(reference)) {
            if (!repositories.untag(repository, reference)) {
                throw new DistributionException(ErrorCode.MANIFEST_UNKNOWN, "no tag " + reference + " in " + repository);
            }
            return;
        }
        StoredManifest manifest = manifest(repository, reference).orElseThrow(() ->
                new DistributionException(ErrorCode.MANIFEST_UNKNOWN, reference + " is not in " + repository));
        repositories.unlinkManifest(repository, manifest.digest());
        for (String tag : repositories.tags(repository)) {
            if (repositories.resolveTag(repository, tag).filter(manifest.digest()::equals).isPresent()) {
                repositories.untag(repository, tag);
            }
        }
        try {
            Digest subject = ParsedManifest.parse(manifest.content(), manifest.mediaType()).subject();
            if (subject != null) {
                repositories.removeReferrer(repository, subject, manifest.digest());
            }
        } catch (DistributionException ignored) {
            // it was valid when pushed; if it no longer parses it cannot have a referrer entry worth cleaning
        }
    }

    public Page tags(RepositoryName repository, String last, Integer limit) {
        if (!repositories.exists(repository)) {
            throw new DistributionException(ErrorCode.NAME_UNKNOWN, "no repository " + repository);
        }
        return Page.of(repositories.tags(repository), last, limit);
    }

    public Page repositories(String last, Integer limit) {
        return Page.of(repositories.repositories(), last, limit);
    }

    /** Descriptors of this repository's manifests whose subject is {@code subject}, optionally of one artifact type. */
    public List<Descriptor> referrers(RepositoryName repository, Digest subject, String artifactType) {
        List<Descriptor> result = new ArrayList<>();
        for (Descriptor referrer : repositories.referrers(repository, subject)) {
            if (repositories.manifestMediaType(repository, referrer.digest()).isPresent()
                    && (artifactType == null || artifactType.equals(referrer.artifactType()))) {
                result.add(referrer);
            }
        }
        result.sort(java.util.Comparator.comparing(Descriptor::digest));
        return result;
    }

    /** Removes blobs no manifest reaches and uploads untouched for a day. */
    public GcResult collectGarbage() {
        return collectGarbage(Duration.ZERO);
    }

    /**
     * Like {@link #collectGarbage()}, sparing unreachable blobs younger than {@code blobMinimumAge}: a push uploads its
     * blobs before the manifest that references them, and a grace period keeps a concurrent push from losing them.
     */
    public GcResult collectGarbage(Duration blobMinimumAge) {
        try (var held = lock.exclusive()) {
            return new GarbageCollector(blobs, repositories, uploads).collect(blobMinimumAge);
        }
    }

    private void requireReferencesPresent(RepositoryName repository, ParsedManifest parsed) {
        List<String> missing = new ArrayList<>();
        for (Digest blob : parsed.blobs()) {
            if (blob(repository, blob).isEmpty()) {
                missing.add(blob.toString());
            }
        }
        for (Digest child : parsed.manifests()) {
            if (repositories.manifestMediaType(repository, child).isEmpty() || blobs.find(child).isEmpty()) {
                missing.add(child.toString());
            }
        }
        if (!missing.isEmpty()) {
            throw new DistributionException(ErrorCode.MANIFEST_BLOB_UNKNOWN,
                    "not in " + repository + ": " + String.join(", ", missing));
        }
    }

    /** The referrers API's descriptor: artifactType falls back to the config's media type, as the spec says. */
    private static Descriptor referrerDescriptor(ParsedManifest parsed, Digest digest, long size) {
        String artifactType = parsed.artifactType() != null ? parsed.artifactType() : parsed.configMediaType();
        return new Descriptor(parsed.mediaType(), digest, size, null, parsed.annotations(), null, null, artifactType);
    }

    private static boolean isDigest(String reference) {
        return reference.indexOf(':') >= 0;
    }

    private static Digest parseDigest(String text, ErrorCode code) {
        try {
            return Digest.parse(text);
        } catch (OciException e) {
            throw new DistributionException(code, e.getMessage());
        }
    }

    /** Parses a digest from a request, answering DIGEST_INVALID for malformed or unsupported ones. */
    public static Digest requestDigest(String text) {
        if (text == null) {
            throw new DistributionException(ErrorCode.DIGEST_INVALID, "a digest is required");
        }
        return parseDigest(text, ErrorCode.DIGEST_INVALID);
    }
}
