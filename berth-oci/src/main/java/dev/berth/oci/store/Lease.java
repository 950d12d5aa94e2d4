package dev.berth.oci.store;

import dev.berth.oci.OciException;
import dev.berth.oci.digest.Digest;
import dev.berth.oci.image.Descriptor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A writer's claim on the blobs it is putting together (containerd's lease). Every digest it commits or reuses is
 * appended to its lease file before the blob becomes visible, and the file stays locked while the writer lives, so
 * garbage collection in any process keeps those blobs until the writer has named its image and closed the lease. A
 * lease whose process died is unlocked: collection and repair remove it with its ingest files.
 */
public final class Lease implements AutoCloseable {
    private final ContentStore store;
    private final String id;
    private final Path file;
    private final FileChannel channel;
    private final FileLock lock;
    private final AtomicInteger ingestCounter = new AtomicInteger();
    private final List<BlobWriter> open = new ArrayList<>();
    private boolean closed;

    /**
     * Lease files this process holds. A process must never open a second descriptor on a file it has an fcntl lock on
     * and close it: POSIX drops all of the process's locks on the file at that close. So liveness of our own leases is
     * answered from here, not by probing the file.
     */
    private static final java.util.Set<String> HELD_HERE = java.util.concurrent.ConcurrentHashMap.newKeySet();

    Lease(ContentStore store) {
        this.store = store;
        this.id = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
        this.file = store.paths().leases().resolve(id);
        try {
            this.channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
            this.lock = channel.lock();
            HELD_HERE.add(id);
        } catch (IOException e) {
            throw new OciException("cannot start a write to the image store at " + store.paths().layout() + ": " + e.getMessage(), e);
        }
    }

    public String id() {
        return id;
    }

    /** A new blob writer; commit it to make the blob visible, close it without commit to discard it. */
    public synchronized BlobWriter writer() {
        ensureOpen();
        Path tmp = store.paths().ingest().resolve(id + "-" + ingestCounter.incrementAndGet());
        BlobWriter writer = new BlobWriter(this, tmp);
        open.add(writer);
        return writer;
    }

    /**
     * A writer for a blob whose digest is known, which continues what an earlier writer for that digest left in the
     * ingest area (see {@link BlobWriter#resumedFrom()}); when another writer is continuing it right now, a fresh
     * writer of its own. Commit verifies the whole content as for any writer.
     */
    public BlobWriter resumableWriter(Digest digest, long expectedSize) {
        synchronized (this) {
            ensureOpen();
        }
        // not under this lease's monitor: commit takes the gc lock and then the monitor, so this order would deadlock
        BlobWriter writer;
        try (var gc = FileLocks.acquire(store.paths().gcLock(), true)) {
            writer = BlobWriter.openResumable(this, digest, expectedSize);
        }
        if (writer == null) {
            return writer();
        }
        synchronized (this) {
            if (closed) {
                writer.close();
                ensureOpen();
            }
            open.add(writer);
        }
        return writer;
    }

    /** Writes a small blob (manifest, config) in one call. */
    public Descriptor put(String mediaType, byte[] content) {
        try (BlobWriter writer = writer()) {
            writer.write(content);
            return writer.commit(mediaType);
        } catch (IOException e) {
            throw new OciException("cannot write blob: " + e.getMessage(), e);
        }
    }

    /**
     * Claims a blob that may already be in the store. Returns true if it is there (and now safe from collection until
     * this lease closes), false if the caller must write it.
     */
    public boolean holdIfPresent(Digest digest) {
        try (var gc = FileLocks.acquire(store.paths().gcLock(), true)) {
            hold(digest);
            return store.contains(digest);
        }
    }

    public ContentStore store() {
        return store;
    }

    /** Records a digest in the lease file; callers hold the shared gc lock. */
    synchronized void hold(Digest digest) {
        ensureOpen();
        try {
            ByteBuffer line = ByteBuffer.wrap((digest + "\n").getBytes(StandardCharsets.US_ASCII));
            while (line.hasRemaining()) {
                channel.write(line);
            }
        } catch (IOException e) {
            throw new OciException("cannot record blob " + digest + " in lease " + id + ": " + e.getMessage(), e);
        }
    }

    synchronized void forget(BlobWriter writer) {
        open.remove(writer);
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("lease " + id + " is closed");
        }
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (BlobWriter writer : List.copyOf(open)) {
            writer.close();
        }
        try {
            Files.deleteIfExists(file);
            lock.release();
            channel.close();
            HELD_HERE.remove(id);
        } catch (IOException e) {
            throw new OciException("cannot end lease " + id + ": " + e.getMessage(), e);
        }
    }

    static boolean heldByThisProcess(String leaseId) {
        return HELD_HERE.contains(leaseId);
    }

    /** The digests listed in a lease file (of this or another process). */
    static List<Digest> readHeld(Path leaseFile) throws IOException {
        List<Digest> held = new ArrayList<>();
        for (String line : Files.readAllLines(leaseFile, StandardCharsets.US_ASCII)) {
            if (!line.isBlank()) {
                try {
                    held.add(Digest.parse(line.strip()));
                } catch (OciException torn) {
                    // a line torn by a crash holds nothing
                }
            }
        }
        return held;
    }
}
