package dev.berth.oci.store;

import dev.berth.oci.OciException;
import dev.berth.oci.digest.Digest;
import dev.berth.oci.image.Descriptor;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;

/**
 * Writes one blob into the ingest area while hashing it. {@link #commit} fsyncs, checks the digest (and the expected
 * digest and size when the caller knows them) and renames the file into blobs/; until then no reader can see it, and a
 * crash leaves only an ingest file that repair removes.
 *
 * <p>A resumable writer ({@link Lease#resumableWriter}) is keyed by the digest it expects: its file stays in the ingest
 * area when the writer is closed without commit or its process dies, and the next writer for that digest continues it
 * (having hashed what is there). Its file is locked while it is written, so only one writer at a time continues it and
 * collection leaves it alone; an unlocked one older than {@link GarbageCollector#RESUME_GRACE} is removed.
 */
public final class BlobWriter extends OutputStream {
    private final Lease lease;
    private final Path tmp;
    private final FileChannel channel;
    private final boolean resumable;
    private final long resumedFrom;
    private MessageDigest sha256 = Digest.newMessageDigest("sha256");
    private long size;
    private boolean done;

    /** Ingest files of resumable writers this process holds locked; see {@link Lease} on why this is tracked. */
    private static final java.util.Set<Path> RESUMING_HERE = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** Name prefix of resumable ingest files: {@code resume-sha256-HEX}. */
    static final String RESUME_PREFIX = "resume-";

    BlobWriter(Lease lease, Path tmp) {
        this.lease = lease;
        this.tmp = tmp;
        this.resumable = false;
        this.resumedFrom = 0;
        try {
            this.channel = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new OciException("cannot create " + tmp + ": " + e.getMessage(), e);
        }
    }

    private BlobWriter(Lease lease, Path file, FileChannel locked, long existing) throws IOException {
        this.lease = lease;
        this.tmp = file;
        this.resumable = true;
        this.channel = locked;
        ByteBuffer buffer = ByteBuffer.allocate(1 << 16);
        long position = 0;
        while (position < existing) {
            buffer.clear();
            int n = channel.read(buffer, position);
            if (n < 0) {
                break;
            }
            sha256.update(buffer.array(), 0, n);
            position += n;
        }
        this.size = position;
        this.resumedFrom = position;
        channel.truncate(position);
        channel.position(position);
    }

    static Path resumeFile(StorePaths paths, Digest digest) {
        return paths.ingest().resolve(RESUME_PREFIX + digest.algorithm() + "-" + digest.encoded());
    }

    /**
     * Opens (or creates) the resumable ingest file of a digest and locks it; null when another writer holds it. A file
     * longer than {@code expectedSize} cannot be a prefix of the blob and is started over. Callers hold the shared gc
     * lock, so collection cannot delete the file between its open and its lock.
     */
    static BlobWriter openResumable(Lease lease, Digest digest, long expectedSize) {
        Path file = resumeFile(lease.store().paths(), digest);
        if (!RESUMING_HERE.add(file)) {
            return null;
        }
        FileChannel channel = null;
        try {
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.READ);
            java.nio.channels.FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (java.nio.channels.OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                channel.close();
                RESUMING_HERE.remove(file);
                return null;
            }
            long existing = channel.size();
            if (expectedSize >= 0 && existing > expectedSize) {
                existing = 0;
            }
            return new BlobWriter(lease, file, channel, existing);
        } catch (IOException e) {
            RESUMING_HERE.remove(file);
            try {
                if (channel != null) {
                    channel.close();
                }
            } catch (IOException ignored) {
                // already failing
            }
            throw new OciException("cannot open ingest file " + file + ": " + e.getMessage(), e);
        }
    }

    static boolean resumingHere(Path file) {
        return RESUMING_HERE.contains(file);
    }

    /** Bytes that were already in the ingest file when this writer continued it (0 for a fresh blob). */
    public long resumedFrom() {
        return resumedFrom;
    }

    /** Drops everything written so far, in this writer and before it: the blob starts again from byte 0. */
    public void restart() throws IOException {
        if (done) {
            throw new IOException("blob writer already committed or closed");
        }
        channel.truncate(0);
        channel.position(0);
        sha256 = Digest.newMessageDigest("sha256");
        size = 0;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        if (done) {
            throw new IOException("blob writer already committed or closed");
        }
        ByteBuffer buffer = ByteBuffer.wrap(b, off, len);
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
        sha256.update(b, off, len);
        size += len;
    }

    public long size() {
        return size;
    }

    /** Commits under the digest of what was written. */
    public Descriptor commit(String mediaType) {
        return commit(mediaType, null, -1);
    }

    /**
     * Commits, refusing the blob (and deleting it) if its digest or size differ from what the caller expected: a wrong
     * or short write can never be seen under the expected digest.
     */
    public Descriptor commit(String mediaType, Digest expected, long expectedSize) {
        if (done) {
            throw new IllegalStateException("blob writer already committed or closed");
        }
        done = true;
        try {
            channel.force(true);
            channel.close();
            if (expectedSize >= 0 && size != expectedSize) {
                throw new OciException("blob " + (expected == null ? "" : expected + " ") + "has size " + size
                        + " but " + expectedSize + " was expected; refused");
            }
            Digest actual;
            if (expected == null || expected.algorithm().equals("sha256")) {
                actual = Digest.of("sha256", sha256.digest());
            } else {
                actual = rehash(expected.algorithm());
            }
            if (expected != null && !expected.equals(actual)) {
                throw new OciException("blob content has digest " + actual + " but " + expected + " was expected; refused");
            }
            try (var gc = FileLocks.acquire(lease.store().paths().gcLock(), true)) {
                lease.hold(actual);
                if (lease.store().contains(actual)) {
                    AtomicFiles.deleteQuietly(tmp);
                } else {
                    java.nio.file.Files.createDirectories(lease.store().path(actual).getParent());
                    AtomicFiles.moveDurably(tmp, lease.store().path(actual));
                }
            }
            return Descriptor.of(mediaType, actual, size);
        } catch (IOException e) {
            throw new OciException("cannot commit blob: " + e.getMessage(), e);
        } finally {
            AtomicFiles.deleteQuietly(tmp);
            if (resumable) {
                RESUMING_HERE.remove(tmp);
            }
            lease.forget(this);
        }
    }

    private Digest rehash(String algorithm) throws IOException {
        MessageDigest hasher = Digest.newMessageDigest(algorithm);
        try (var in = java.nio.file.Files.newInputStream(tmp)) {
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                hasher.update(buffer, 0, n);
            }
        }
        return Digest.of(algorithm, hasher.digest());
    }

    /** Discards the blob if it was not committed; a resumable writer keeps what it has for the next one. */
    @Override
    public void close() {
        if (done) {
            return;
        }
        done = true;
        try {
            if (resumable) {
                channel.force(false);
            }
            channel.close();
        } catch (IOException ignored) {
            // discarding anyway
        }
        if (resumable) {
            RESUMING_HERE.remove(tmp);
        } else {
            AtomicFiles.deleteQuietly(tmp);
        }
        lease.forget(this);
    }
}
