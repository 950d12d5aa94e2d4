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
 */
public final class BlobWriter extends OutputStream {
    private final Lease lease;
    private final Path tmp;
    private final FileChannel channel;
    private final MessageDigest sha256 = Digest.newMessageDigest("sha256");
    private long size;
    private boolean done;

    BlobWriter(Lease lease, Path tmp) {
        this.lease = lease;
        this.tmp = tmp;
        try {
            this.channel = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new OciException("cannot create " + tmp + ": " + e.getMessage(), e);
        }
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

    /** Discards the blob if it was not committed. */
    @Override
    public void close() {
        if (done) {
            return;
        }
        done = true;
        try {
            channel.close();
        } catch (IOException ignored) {
            // discarding anyway
        }
        AtomicFiles.deleteQuietly(tmp);
        lease.forget(this);
    }
}
