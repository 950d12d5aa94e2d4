package dev.berth.oci.layer;

import com.github.luben.zstd.ZstdInputStreamNoFinalizer;
import com.github.luben.zstd.ZstdOutputStreamNoFinalizer;
import dev.berth.oci.OciException;
import dev.berth.oci.image.Compression;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Layer compression. Every compressor here is deterministic: the same bytes in, at the same level, give the same bytes
 * out on any machine with the same zlib/zstd build and any number of cores, so a rebuilt layer keeps its blob digest.
 */
public final class Compressors {
    public static final int DEFAULT_GZIP_LEVEL = 6;
    public static final int DEFAULT_ZSTD_LEVEL = 3;

    private static final int READ_BUFFER = 128 * 1024;

    private Compressors() {
    }

    public static int defaultLevel(Compression compression) {
        return switch (compression) {
            case NONE -> 0;
            case GZIP -> DEFAULT_GZIP_LEVEL;
            case ZSTD -> DEFAULT_ZSTD_LEVEL;
        };
    }

    /** Compresses at the default level; closing the returned stream finishes the format and closes {@code out}. */
    public static OutputStream compress(OutputStream out, Compression compression) {
        return compress(out, compression, defaultLevel(compression));
    }

    /** Compresses at {@code level} (gzip 1..9, zstd 1..22; ignored for NONE). */
    public static OutputStream compress(OutputStream out, Compression compression, int level) {
        try {
            return switch (compression) {
                case NONE -> out;
                case GZIP -> {
                    checkLevel(compression, level, 1, 9);
                    yield new ParallelGzipOutputStream(out, level);
                }
                case ZSTD -> {
                    checkLevel(compression, level, 1, 22);
                    // Checksummed like the zstd CLI, so `zstd -t` and readers can verify it.
                    yield new ZstdOutputStreamNoFinalizer(out, level).setChecksum(true).setWorkers(ZSTD_WORKERS);
                }
            };
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * zstd's output differs between single-threaded mode (0 workers) and multi-threaded mode, but is the same for any
     * worker count >= 1 (jobs are cut at sizes fixed by the level), so always using >= 1 worker keeps the digest
     * independent of the machine's cores. CompressorsTest checks this.
     */
    private static final int ZSTD_WORKERS = Math.max(1, Runtime.getRuntime().availableProcessors());

    private static void checkLevel(Compression compression, int level, int min, int max) {
        if (level < min || level > max) {
            throw new OciException("invalid " + compression.name().toLowerCase(java.util.Locale.ROOT)
                    + " level " + level + ": expected " + min + ".." + max);
        }
    }

    /** Decompresses a stream known to be in {@code compression}. */
    public static InputStream decompress(InputStream in, Compression compression) {
        try {
            return switch (compression) {
                case NONE -> in;
                case GZIP -> new GZIPInputStream(in, READ_BUFFER);
                case ZSTD -> new BufferedInputStream(new ZstdInputStreamNoFinalizer(in), READ_BUFFER);
            };
        } catch (IOException e) {
            throw new OciException("not a valid " + compression.name().toLowerCase(java.util.Locale.ROOT)
                    + " stream: " + e.getMessage(), e);
        }
    }

    /** Looks at the first bytes and decompresses accordingly; anything that is neither gzip nor zstd passes as tar. */
    public static InputStream decompressDetected(InputStream in) {
        BufferedInputStream buffered = new BufferedInputStream(in, READ_BUFFER);
        return decompress(buffered, detect(buffered));
    }

    /** Sniffs the magic bytes without consuming them ({@code in} must support mark/reset). */
    public static Compression detect(InputStream in) {
        if (!in.markSupported()) {
            throw new IllegalArgumentException("detect needs a stream that supports mark/reset");
        }
        try {
            in.mark(4);
            byte[] head = in.readNBytes(4);
            in.reset();
            return detect(head);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** gzip starts 1f 8b, zstd 28 b5 2f fd; everything else is taken to be an uncompressed tar. */
    public static Compression detect(byte[] head) {
        if (head.length >= 2 && (head[0] & 0xff) == 0x1f && (head[1] & 0xff) == 0x8b) {
            return Compression.GZIP;
        }
        if (head.length >= 4 && (head[0] & 0xff) == 0x28 && (head[1] & 0xff) == 0xb5
                && (head[2] & 0xff) == 0x2f && (head[3] & 0xff) == 0xfd) {
            return Compression.ZSTD;
        }
        return Compression.NONE;
    }

    public static Compression detect(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return detect(in.readNBytes(4));
        } catch (IOException e) {
            throw new OciException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}
