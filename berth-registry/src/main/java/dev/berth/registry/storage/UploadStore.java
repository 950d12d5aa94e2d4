package dev.berth.registry.storage;

import dev.berth.oci.digest.Digest;
import dev.berth.oci.store.AtomicFiles;
import dev.berth.registry.RegistryException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Comparator;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Upload sessions, {@code uploads/<uuid>/data} plus the repository they belong to. Chunks stream straight to disk; a
 * running sha256 stays in memory beside the session so completing a large upload needs no second read. After a restart
 * (or a chunk that failed midway) the hasher is gone and completion re-reads the file instead.
 */
final class UploadStore {
    private static final Pattern ID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    private static final int BUFFER = 64 * 1024;

    private final Path dir;
    private final ConcurrentHashMap<String, Session> sessions = new ConcurrentHashMap<>();

    /** In-memory state of one upload; the lock serializes chunks of the same upload. */
    private static final class Session {
        final ReentrantLock lock = new ReentrantLock();
        MessageDigest sha256 = Digest.newMessageDigest("sha256");
        long hashed;
    }

    UploadStore(Path root) {
        this.dir = root.resolve("uploads");
    }

    UploadStatus start(RepositoryName repository) {
        String id = UUID.randomUUID().toString();
        Path upload = dir.resolve(id);
        try {
            Files.createDirectories(upload);
            Files.createFile(upload.resolve("data"));
            AtomicFiles.write(upload.resolve("repository"), repository.value().getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new RegistryException("cannot start upload in " + dir + ": " + e.getMessage(), e);
        }
        sessions.put(id, new Session());
        return new UploadStatus(id, repository, 0);
    }

    UploadStatus status(RepositoryName repository, String id) {
        Path data = data(repository, id);
        return new UploadStatus(id, repository, size(data, id));
    }

    /**
     * Appends a chunk. {@code start} (from Content-Range, may be null) must be the current end; {@code length} (may be
     * null) must match the bytes received. A chunk is all or nothing: on any failure the file is cut back.
     */
    UploadStatus append(RepositoryName repository, String id, Long start, Long length, InputStream body) {
        Path data = data(repository, id);
        Session session = sessions.computeIfAbsent(id, k -> staleSession());
        session.lock.lock();
        try {
            return new UploadStatus(id, repository, appendInOrder(data, id, start, length, body, session));
        } finally {
            session.lock.unlock();
        }
    }

    /** Appends a chunk that must start at the upload's current end (the caller holds the session lock); returns the new size. */
    private long appendInOrder(Path data, String id, Long start, Long length, InputStream body, Session session) {
        long size = size(data, id);
        if (start != null && start != size) {
            throw new DistributionException(ErrorCode.RANGE_INVALID,
                    "chunk starts at " + start + " but the upload holds " + size + " bytes");
        }
        return size + copy(body, data, size, length, session);
    }

    /**
     * Appends the optional last chunk, then verifies the whole upload against {@code expected}. Returns the data file,
     * fsynced, ready to be renamed into the blob store. On a mismatch the upload is discarded.
     */
    Path finish(RepositoryName repository, String id, Digest expected, Long start, Long length, InputStream body) {
        Path data = data(repository, id);
        Session session = sessions.computeIfAbsent(id, k -> staleSession());
        session.lock.lock();
        try {
            appendInOrder(data, id, start, length, body, session);
            Digest actual = digestOf(data, expected.algorithm(), session);
            if (!actual.equals(expected)) {
                discard(id);
                throw new DistributionException(ErrorCode.DIGEST_INVALID,
                        "expected " + expected + " but the uploaded content is " + actual + "; the upload was discarded");
            }
            try (FileChannel channel = FileChannel.open(data, StandardOpenOption.WRITE)) {
                channel.force(true);
            }
            return data;
        } catch (IOException e) {
            throw new RegistryException("cannot finish upload " + id + ": " + e.getMessage(), e);
        } finally {
            session.lock.unlock();
        }
    }

    void discard(String id) {
        sessions.remove(id);
        deleteTree(dir.resolve(id));
    }

    void cancel(RepositoryName repository, String id) {
        data(repository, id);
        discard(id);
    }

    /** Removes uploads untouched since {@code cutoff}; returns how many. */
    int removeOlderThan(Instant cutoff) {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        int removed = 0;
        try (DirectoryStream<Path> uploads = Files.newDirectoryStream(dir)) {
            for (Path upload : uploads) {
                Path data = upload.resolve("data");
                Path probe = Files.exists(data) ? data : upload;
                if (Files.getLastModifiedTime(probe).toInstant().isBefore(cutoff)) {
                    discard(upload.getFileName().toString());
                    removed++;
                }
            }
        } catch (IOException e) {
            throw new RegistryException("cannot list uploads in " + dir + ": " + e.getMessage(), e);
        }
        return removed;
    }

    /** The data file of a live upload of this repository; anything else is an unknown upload. */
    private Path data(RepositoryName repository, String id) {
        if (id == null || !ID.matcher(id).matches()) {
            throw new DistributionException(ErrorCode.BLOB_UPLOAD_UNKNOWN, "no upload '" + id + "'");
        }
        Path upload = dir.resolve(id);
        try {
            String owner = Files.readString(upload.resolve("repository"), StandardCharsets.UTF_8);
            if (!owner.equals(repository.value())) {
                throw new DistributionException(ErrorCode.BLOB_UPLOAD_UNKNOWN, "no upload " + id + " in " + repository);
            }
        } catch (NoSuchFileException e) {
            throw new DistributionException(ErrorCode.BLOB_UPLOAD_UNKNOWN, "no upload " + id + " in " + repository);
        } catch (IOException e) {
            throw new RegistryException("cannot read upload " + id + ": " + e.getMessage(), e);
        }
        return upload.resolve("data");
    }

    private static long size(Path data, String id) {
        try {
            return Files.size(data);
        } catch (NoSuchFileException e) {
            throw new DistributionException(ErrorCode.BLOB_UPLOAD_UNKNOWN, "no upload " + id);
        } catch (IOException e) {
            throw new RegistryException("cannot read upload " + id + ": " + e.getMessage(), e);
        }
    }

    /** A session whose hasher does not match the file (a restart lost it): completion will re-hash. */
    private static Session staleSession() {
        Session session = new Session();
        session.sha256 = null;
        return session;
    }

    private static long copy(InputStream body, Path data, long size, Long length, Session session) {
        if (body == null) {
            return 0;
        }
        MessageDigest hasher = session.sha256 != null && session.hashed == size ? session.sha256 : null;
        long written = 0;
        boolean complete = false;
        try (FileChannel channel = FileChannel.open(data, StandardOpenOption.WRITE)) {
            channel.position(size);
            byte[] buffer = new byte[BUFFER];
            for (int n; (n = body.read(buffer)) >= 0; ) {
                ByteBuffer chunk = ByteBuffer.wrap(buffer, 0, n);
                while (chunk.hasRemaining()) {
                    channel.write(chunk);
                }
                if (hasher != null) {
                    hasher.update(buffer, 0, n);
                }
                written += n;
            }
            if (length != null && written != length) {
                throw new DistributionException(ErrorCode.SIZE_INVALID,
                        "the chunk declared " + length + " bytes but carried " + written);
            }
            complete = true;
        } catch (IOException e) {
            throw new RegistryException("upload interrupted after " + written + " bytes of a chunk: " + e.getMessage(), e);
        } finally {
            if (complete) {
                session.sha256 = hasher;
                session.hashed = size + written;
            } else {
                session.sha256 = null;
                truncate(data, size);
            }
        }
        return written;
    }

    private static void truncate(Path data, long size) {
        try (FileChannel channel = FileChannel.open(data, StandardOpenOption.WRITE)) {
            channel.truncate(size);
        } catch (IOException ignored) {
            // the session is unusable either way; its digest check at completion still guards the blob store
        }
    }

    private static Digest digestOf(Path data, String algorithm, Session session) throws IOException {
        if (algorithm.equals("sha256") && session.sha256 != null && session.hashed == Files.size(data)) {
            return Digest.of("sha256", session.sha256.digest());
        }
        MessageDigest hasher = Digest.newMessageDigest(algorithm);
        try (InputStream in = Files.newInputStream(data)) {
            byte[] buffer = new byte[BUFFER];
            for (int n; (n = in.read(buffer)) >= 0; ) {
                hasher.update(buffer, 0, n);
            }
        }
        return Digest.of(algorithm, hasher.digest());
    }

    private static void deleteTree(Path path) {
        if (!Files.exists(path)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(path)) {
            walk.sorted(Comparator.reverseOrder()).forEach(AtomicFiles::deleteQuietly);
        } catch (IOException ignored) {
            // best effort: whatever is left is removed by the next garbage collection
        }
    }
}
