package dev.berth.registry.storage;

import dev.berth.oci.digest.Digest;
import dev.berth.oci.store.AtomicFiles;
import dev.berth.registry.RegistryException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Optional;

/**
 * Content-addressed blobs shared by all repositories: {@code blobs/<algorithm>/<hex>}. A file appears here only by an
 * atomic rename of fully written, verified content, so every file present is complete and matches its name.
 */
final class BlobStore {
    private final Path dir;

    BlobStore(Path root) {
        this.dir = root.resolve("blobs");
    }

    Path dir() {
        return dir;
    }

    Path path(Digest digest) {
        return dir.resolve(digest.algorithm()).resolve(digest.encoded());
    }

    Optional<BlobInfo> find(Digest digest) {
        Path path = path(digest);
        try {
            return Optional.of(new BlobInfo(digest, path, Files.size(path)));
        } catch (java.nio.file.NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new RegistryException("cannot read blob " + digest + ": " + e.getMessage(), e);
        }
    }

    /** Moves a verified, fsynced file into place; if the blob exists already the file is dropped instead. */
    void adopt(Path verified, Digest digest) {
        Path target = path(digest);
        try {
            Files.createDirectories(target.getParent());
            if (Files.exists(target)) {
                Files.delete(verified);
                touch(target);
            } else {
                AtomicFiles.moveDurably(verified, target);
            }
        } catch (IOException e) {
            throw new RegistryException("cannot store blob " + digest + ": " + e.getMessage(), e);
        }
    }

    /** Stores small content (a manifest) already in memory. */
    void write(Digest digest, byte[] content) {
        Path target = path(digest);
        try {
            Files.createDirectories(target.getParent());
            if (Files.exists(target)) {
                touch(target);
                return;
            }
        } catch (IOException e) {
            throw new RegistryException("cannot store blob " + digest + ": " + e.getMessage(), e);
        }
        AtomicFiles.write(target, content);
    }

    /**
     * Renews the blob's modification time: the collector spares young blobs, and a blob just uploaded again or mounted
     * is about to be referenced by a manifest push.
     */
    void touch(Path blob) throws IOException {
        Files.setLastModifiedTime(blob, FileTime.fromMillis(System.currentTimeMillis()));
    }
}
