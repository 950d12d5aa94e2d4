package dev.berth.oci.store;

import dev.berth.oci.OciException;
import dev.berth.oci.digest.Digest;
import dev.berth.oci.image.MediaTypes;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The content-addressed blob store. Readers only ever see committed blobs: every write goes through a {@link Lease}'s
 * {@link BlobWriter} into the ingest area and becomes visible under its digest by one atomic rename, after its digest
 * and size were checked.
 */
public final class ContentStore {
    private final StorePaths paths;

    ContentStore(StorePaths paths) {
        this.paths = paths;
        try {
            Files.createDirectories(paths.blobs().resolve("sha256"));
            Files.createDirectories(paths.ingest());
            Files.createDirectories(paths.leases());
            if (!Files.exists(paths.ociLayoutFile())) {
                AtomicFiles.write(paths.ociLayoutFile(),
                        ("{\"imageLayoutVersion\":\"" + MediaTypes.OCI_LAYOUT_VERSION + "\"}").getBytes(StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new OciException("cannot create the image store at " + paths.layout() + ": " + e.getMessage(), e);
        }
    }

    public StorePaths paths() {
        return paths;
    }

    public boolean contains(Digest digest) {
        return Files.isRegularFile(paths.blob(digest));
    }

    public Path path(Digest digest) {
        return paths.blob(digest);
    }

    public long size(Digest digest) {
        try {
            return Files.size(paths.blob(digest));
        } catch (NoSuchFileException e) {
            throw missing(digest);
        } catch (IOException e) {
            throw new OciException("cannot read blob " + digest + ": " + e.getMessage(), e);
        }
    }

    public InputStream open(Digest digest) {
        try {
            return Files.newInputStream(paths.blob(digest));
        } catch (NoSuchFileException e) {
            throw missing(digest);
        } catch (IOException e) {
            throw new OciException("cannot read blob " + digest + ": " + e.getMessage(), e);
        }
    }

    public byte[] read(Digest digest) {
        try {
            return Files.readAllBytes(paths.blob(digest));
        } catch (NoSuchFileException e) {
            throw missing(digest);
        } catch (IOException e) {
            throw new OciException("cannot read blob " + digest + ": " + e.getMessage(), e);
        }
    }

    /** Every blob file's digest; files whose names are not digests are skipped (system check reports them). */
    public List<Digest> list() {
        List<Digest> digests = new ArrayList<>();
        for (Path file : blobFiles()) {
            try {
                digests.add(new Digest(file.getParent().getFileName().toString(), file.getFileName().toString()));
            } catch (OciException notADigest) {
                // reported by StoreCheck
            }
        }
        return digests;
    }

    /** All regular files under blobs/, digest-named or not. */
    List<Path> blobFiles() {
        try (Stream<Path> algorithms = Files.list(paths.blobs())) {
            List<Path> files = new ArrayList<>();
            for (Path dir : algorithms.sorted().toList()) {
                if (!Files.isDirectory(dir)) {
                    files.add(dir);
                    continue;
                }
                try (Stream<Path> blobs = Files.list(dir)) {
                    blobs.sorted().forEach(files::add);
                }
            }
            return files;
        } catch (IOException e) {
            throw new OciException("cannot list blobs in " + paths.blobs() + ": " + e.getMessage(), e);
        }
    }

    /** Starts a writer session: what it commits is safe from garbage collection until it closes. */
    public Lease lease() {
        return new Lease(this);
    }

    /** Deletes a blob; only garbage collection and repair call this, under the exclusive gc lock. */
    void delete(Digest digest) throws IOException {
        Files.deleteIfExists(paths.blob(digest));
    }

    private static OciException missing(Digest digest) {
        return new OciException("blob " + digest + " is not in the store (run `berth system check`)");
    }
}
