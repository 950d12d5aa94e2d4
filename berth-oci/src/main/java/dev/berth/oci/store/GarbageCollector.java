package dev.berth.oci.store;

import dev.berth.oci.OciException;
import dev.berth.oci.digest.Digest;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Removes blobs that no name and no live lease reaches. Safe while other processes write: the blob listing is taken
 * before the lease files are read, and writers record a digest in their lease before its blob becomes visible, all
 * under the gc lock, so a blob committed or reused during collection is either not listed or already held.
 */
public final class GarbageCollector {
    private final ImageStore store;

    /** How long an unlocked resumable ingest file is kept for a pull to continue it. */
    public static final java.time.Duration RESUME_GRACE = java.time.Duration.ofHours(24);

    public GarbageCollector(ImageStore store) {
        this.store = store;
    }

    /** What a collection removed. */
    public record Result(int blobsRemoved, long bytesFreed, int staleLeasesRemoved, int ingestFilesRemoved) {
    }

    public Result collect() {
        StorePaths paths = store.paths();
        try (var indexLock = FileLocks.acquire(paths.indexLock(), false)) {
            List<Digest> listed = store.content().list();
            try (var gcLock = FileLocks.acquire(paths.gcLock(), false)) {
                Set<Digest> live = new HashSet<>();
                List<String> missing = new ArrayList<>();
                for (NameIndex.Entry entry : store.names().read()) {
                    live.addAll(store.closure(entry.target(), missing));
                }
                for (Pins.Pin pin : store.pins().list()) {
                    live.addAll(store.closure(pin.root(), missing));
                }
                Leases leases = scanLeases(paths, true);
                live.addAll(leases.held());
                int removed = 0;
                long freed = 0;
                for (Digest digest : listed) {
                    if (!live.contains(digest)) {
                        Path blob = paths.blob(digest);
                        long size = Files.exists(blob) ? Files.size(blob) : 0;
                        store.content().delete(digest);
                        removed++;
                        freed += size;
                    }
                }
                return new Result(removed, freed, leases.staleRemoved(), leases.ingestRemoved());
            } catch (IOException e) {
                throw new OciException("garbage collection failed: " + e.getMessage(), e);
            }
        }
    }

    /** The digests held by live leases, and what stale ones (whose process died) left behind. */
    record Leases(Set<Digest> held, List<String> staleIds, int staleRemoved, int ingestRemoved) {
    }

    /**
     * Reads every lease. A lease is live while some process holds its lock; tryLock succeeding means the writer died.
     * With {@code remove}, stale leases and their ingest files are deleted.
     */
    static Leases scanLeases(StorePaths paths, boolean remove) throws IOException {
        Set<Digest> held = new HashSet<>();
        List<String> stale = new ArrayList<>();
        int staleRemoved = 0;
        int ingestRemoved = 0;
        Set<String> liveIds = new HashSet<>();
        try (Stream<Path> files = Files.list(paths.leases())) {
            for (Path lease : files.toList()) {
                String id = lease.getFileName().toString();
                if (isLive(lease)) {
                    liveIds.add(id);
                    held.addAll(Lease.readHeld(lease));
                } else {
                    stale.add(id);
                    if (remove) {
                        Files.deleteIfExists(lease);
                        staleRemoved++;
                    }
                }
            }
        }
        try (Stream<Path> files = Files.list(paths.ingest())) {
            for (Path tmp : files.toList()) {
                String name = tmp.getFileName().toString();
                if (name.startsWith(BlobWriter.RESUME_PREFIX)) {
                    if (staleResumeFile(tmp, remove)) {
                        ingestRemoved++;
                    }
                    continue;
                }
                int dash = name.indexOf('-');
                String owner = dash < 0 ? name : name.substring(0, dash);
                if (!liveIds.contains(owner)) {
                    if (remove) {
                        Files.deleteIfExists(tmp);
                    }
                    ingestRemoved++;
                }
            }
        }
        return new Leases(held, stale, staleRemoved, ingestRemoved);
    }

    /**
     * Whether a resumable ingest file is stale: no writer holds it and it was last written longer than the grace
     * period ago. With {@code remove} it is deleted while locked here, so no writer can take it up meanwhile.
     */
    private static boolean staleResumeFile(Path file, boolean remove) throws IOException {
        if (BlobWriter.resumingHere(file)) {
            return false;
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException heldHere) {
                return false;
            }
            if (lock == null) {
                return false;
            }
            try {
                java.time.Instant written = Files.getLastModifiedTime(file).toInstant();
                if (written.plus(RESUME_GRACE).isAfter(java.time.Instant.now())) {
                    return false;
                }
                if (remove) {
                    Files.deleteIfExists(file);
                }
                return true;
            } finally {
                lock.release();
            }
        } catch (java.nio.file.NoSuchFileException gone) {
            return false;
        }
    }

    private static boolean isLive(Path leaseFile) throws IOException {
        if (Lease.heldByThisProcess(leaseFile.getFileName().toString())) {
            return true;
        }
        try (FileChannel channel = FileChannel.open(leaseFile, StandardOpenOption.WRITE)) {
            FileLock lock = channel.tryLock();
            if (lock == null) {
                return true;
            }
            lock.release();
            return false;
        } catch (OverlappingFileLockException heldByThisProcess) {
            return true;
        } catch (java.nio.file.NoSuchFileException closedMeanwhile) {
            return false;
        }
    }
}
