package dev.berth.build.context;

import dev.berth.build.BuildException;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * SHA-256 of file contents, remembered by where the file is and what its inode says about it (device, inode, size,
 * modification and change times in nanoseconds), so a file is read once per build and, with a persistent cache file,
 * not at all on a rebuild where it did not change. The key never feeds a cache key: only the content digest does, so
 * a touched but unchanged file still gives the same step key (it is merely rehashed).
 *
 * <p>Change time is part of the key although Docker's builders look at mtime only: tools that restore an old mtime
 * (rsync -t, tar x) cannot restore ctime, so a rewrite is never mistaken for no change. Entries whose mtime is within
 * {@link #RACY_NANOS} of the moment they were hashed are not persisted (a write in the same clock tick could follow
 * unseen), the "racy" rule git uses for its index.
 *
 * <p>Thread-safe: parallel stages share one instance.
 */
public final class FileHashCache {
    static final long RACY_NANOS = TimeUnit.SECONDS.toNanos(2);
    private static final int MAX_PERSISTED = 200_000;
    private static final String HEADER = "berth file hash cache v1";

    /** What the inode says about a file; equal stamps mean the content digest can be reused. */
    public record Stamp(long device, long inode, long size, long mtimeNanos, long ctimeNanos) {
        /** Reads the stamp of {@code file} (never following a symlink). */
        public static Stamp of(Path file) throws IOException {
            return of(Files.readAttributes(file, "unix:dev,ino,size,lastModifiedTime,ctime", LinkOption.NOFOLLOW_LINKS));
        }

        /** From attributes read with the "unix:" view including dev, ino, size, lastModifiedTime and ctime. */
        public static Stamp of(Map<String, Object> unixAttributes) {
            return new Stamp((Long) unixAttributes.get("dev"), (Long) unixAttributes.get("ino"),
                    (Long) unixAttributes.get("size"), nanos((FileTime) unixAttributes.get("lastModifiedTime")),
                    nanos((FileTime) unixAttributes.get("ctime")));
        }

        private static long nanos(FileTime time) {
            return time.to(TimeUnit.NANOSECONDS);
        }
    }

    private record Entry(Stamp stamp, String sha256, boolean persist) {
    }

    private final Path file;
    private final long racyNanos;
    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    private final AtomicLong bytesHashed = new AtomicLong();
    private final AtomicLong filesHashed = new AtomicLong();
    private volatile boolean dirty;

    private FileHashCache(Path file, long racyNanos) {
        this.file = file;
        this.racyNanos = racyNanos;
    }

    /** A cache that lives as long as this object (one build). */
    public static FileHashCache inMemory() {
        return new FileHashCache(null, RACY_NANOS);
    }

    /**
     * A cache backed by {@code file} (e.g. under the store's build directory), loaded now if it exists; an unreadable
     * or foreign file is ignored (it is only a cache) and replaced on {@link #save()}.
     */
    public static FileHashCache open(Path file) {
        return open(file, RACY_NANOS);
    }

    /** With another racy window (tests use 0 so files they just wrote are persisted). */
    static FileHashCache open(Path file, long racyNanos) {
        FileHashCache cache = new FileHashCache(file, racyNanos);
        try {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            if (lines.isEmpty() || !lines.getFirst().equals(HEADER)) {
                return cache;
            }
            for (String line : lines.subList(1, lines.size())) {
                String[] f = line.split(" ", 7);
                if (f.length == 7) {
                    Stamp stamp = new Stamp(Long.parseLong(f[1]), Long.parseLong(f[2]), Long.parseLong(f[3]),
                            Long.parseLong(f[4]), Long.parseLong(f[5]));
                    cache.entries.put(unescape(f[6]), new Entry(stamp, f[0], true));
                }
            }
        } catch (NoSuchFileException e) {
            return cache;
        } catch (IOException | RuntimeException e) {
            cache.entries.clear(); // a damaged cache is rebuilt, not trusted
        }
        return cache;
    }

    /** The SHA-256 (hex) of a regular file's content, from memory when its stamp is unchanged. */
    public String sha256(Path regularFile) {
        try {
            return sha256(regularFile, Stamp.of(regularFile));
        } catch (IOException e) {
            throw new BuildException("cannot read " + regularFile + ": " + e.getMessage(), e);
        }
    }

    /** Like {@link #sha256(Path)} with a stamp the caller has just read (saves a stat per file). */
    public String sha256(Path regularFile, Stamp stamp) {
        String key = regularFile.toAbsolutePath().toString();
        Entry known = entries.get(key);
        if (known != null && known.stamp().equals(stamp)) {
            return known.sha256();
        }
        String digest = hashContent(regularFile);
        long now = System.currentTimeMillis() * 1_000_000L;
        boolean racy = Math.abs(now - stamp.mtimeNanos()) < racyNanos || Math.abs(now - stamp.ctimeNanos()) < racyNanos;
        entries.put(key, new Entry(stamp, digest, !racy));
        dirty = true;
        return digest;
    }

    private String hashContent(Path regularFile) {
        MessageDigest sha = sha256();
        byte[] buffer = new byte[128 * 1024];
        long total = 0;
        try (InputStream in = Files.newInputStream(regularFile, LinkOption.NOFOLLOW_LINKS)) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                sha.update(buffer, 0, n);
                total += n;
            }
        } catch (IOException e) {
            throw new BuildException("cannot read " + regularFile + ": " + e.getMessage(), e);
        }
        bytesHashed.addAndGet(total);
        filesHashed.incrementAndGet();
        return HexFormat.of().formatHex(sha.digest());
    }

    /** How many files this instance actually read (not served from memory or the cache file). */
    public long filesHashed() {
        return filesHashed.get();
    }

    /** How many bytes this instance actually read. */
    public long bytesHashed() {
        return bytesHashed.get();
    }

    /** Writes the persistent entries to the cache file (atomically), if there is one and anything changed. */
    public void save() {
        if (file == null || !dirty) {
            return;
        }
        Path temporary = file.resolveSibling(file.getFileName() + ".tmp-" + ProcessHandle.current().pid());
        try {
            Files.createDirectories(file.getParent());
            try (BufferedWriter out = Files.newBufferedWriter(temporary, StandardCharsets.UTF_8)) {
                out.write(HEADER);
                out.write('\n');
                int written = 0;
                for (Map.Entry<String, Entry> e : entries.entrySet()) {
                    Entry entry = e.getValue();
                    if (!entry.persist() || written++ >= MAX_PERSISTED) {
                        continue;
                    }
                    Stamp s = entry.stamp();
                    out.write(entry.sha256() + " " + s.device() + " " + s.inode() + " " + s.size() + " "
                            + s.mtimeNanos() + " " + s.ctimeNanos() + " " + escape(e.getKey()) + "\n");
                }
            }
            try {
                Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
            }
            dirty = false;
        } catch (IOException e) {
            try {
                Files.deleteIfExists(temporary);
            } catch (IOException ignored) {
                // the cache is an optimisation; failing to tidy it must not fail the build
            }
            throw new BuildException("cannot write the file hash cache " + file + ": " + e.getMessage(), e);
        }
    }

    /** Paths may hold newlines; one entry per line needs them escaped. */
    private static String escape(String path) {
        return path.replace("\\", "\\\\").replace("\n", "\\n");
    }

    private static String unescape(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\\' && i + 1 < text.length()) {
                char next = text.charAt(++i);
                out.append(next == 'n' ? '\n' : next);
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
