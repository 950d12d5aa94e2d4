package dev.berth.oci.layer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.luben.zstd.ZstdOutputStreamNoFinalizer;
import dev.berth.oci.OciException;
import dev.berth.oci.image.Compression;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.zip.GZIPInputStream;
import dev.berth.oci.testing.Gen;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CompressorsTest {
    private static final int BLOCK = ParallelGzipOutputStream.BLOCK_SIZE;

    /** Text-like data: compressible, with matches that cross block boundaries. */
    static byte[] sample(int size, long seed) {
        Random random = new Random(seed);
        String[] words = {"layer", "berth", "oci", "tar", "gzip", "zstd", "digest", "manifest", "\n", " ", "0", "1"};
        ByteArrayOutputStream out = new ByteArrayOutputStream(size + 16);
        while (out.size() < size) {
            if (random.nextInt(50) == 0) {
                byte[] noise = new byte[random.nextInt(300)];
                random.nextBytes(noise);
                out.writeBytes(noise);
            } else {
                out.writeBytes(words[random.nextInt(words.length)].getBytes());
            }
        }
        byte[] all = out.toByteArray();
        return java.util.Arrays.copyOf(all, size);
    }

    static byte[] gzip(byte[] data, int level, int threads, int chunk) throws IOException {
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        try (OutputStream out = new ParallelGzipOutputStream(sink, level, threads)) {
            for (int off = 0; off < data.length; off += chunk) {
                out.write(data, off, Math.min(chunk, data.length - off));
            }
        }
        return sink.toByteArray();
    }

    static byte[] gunzip(byte[] gz) throws IOException {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
            return in.readAllBytes();
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 1000, BLOCK - 1, BLOCK, BLOCK + 1, 3 * BLOCK + 12345})
    void parallelGzipRoundTripsAtBlockEdges(int size) throws IOException {
        byte[] data = sample(size, size);
        byte[] gz = gzip(data, 6, 2, 8191);
        assertThat(gunzip(gz)).isEqualTo(data);
    }

    @Test
    void parallelGzipHeaderIsFixed() throws IOException {
        byte[] gz = gzip(sample(10, 1), 6, 2, 10);
        // magic, deflate, no flags, mtime 0, no XFL, OS unknown
        assertThat(java.util.Arrays.copyOf(gz, 10)).containsExactly(0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff);
    }

    @Test
    void gzipOutputDoesNotDependOnThreadsOrWriteSizes() throws IOException {
        byte[] data = sample(5 * BLOCK + 777, 42);
        byte[] reference = gzip(data, 6, 1, data.length + 1);
        assertThat(gzip(data, 6, 2, 1000)).isEqualTo(reference);
        assertThat(gzip(data, 6, 8, 65536)).isEqualTo(reference);
    }

    static java.util.stream.LongStream seeds() {
        return Gen.seeds(30);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void gzipRoundTripsAndIsDeterministic(long seed) throws IOException {
        Gen gen = new Gen(seed);
        int size = gen.chance(0.5) ? gen.between(0, 2000) : gen.between(BLOCK - 40_000, 3 * BLOCK + 40_000);
        int level = gen.between(1, 9);
        int threads = gen.between(1, 4);
        byte[] data = sample(size, gen.nextLong());
        byte[] gz = gzip(data, level, threads, 4096);
        assertThat(gunzip(gz)).isEqualTo(data);
        assertThat(gzip(data, level, 1, 100_000)).isEqualTo(gz);
    }

    @Test
    void gzipIsAcceptedByTheGzipCommand(@TempDir Path dir) throws IOException {
        byte[] data = sample(3 * BLOCK + 5, 7);
        Path file = dir.resolve("x.gz");
        try (OutputStream out = Compressors.compress(Files.newOutputStream(file), Compression.GZIP)) {
            out.write(data);
        }
        Trees.run(dir, "gzip", "-t", "x.gz");
        Trees.run(dir, "gzip", "-d", "x.gz");
        assertThat(Files.readAllBytes(dir.resolve("x"))).isEqualTo(data);
    }

    @Test
    void zstdRoundTripsAndIsAcceptedByTheZstdCommand(@TempDir Path dir) throws IOException {
        byte[] data = sample(2 * BLOCK, 9);
        Path file = dir.resolve("x.zst");
        try (OutputStream out = Compressors.compress(Files.newOutputStream(file), Compression.ZSTD)) {
            out.write(data);
        }
        Trees.run(dir, "zstd", "-q", "-t", "x.zst");
        assertThat(Compressors.decompress(Files.newInputStream(file), Compression.ZSTD).readAllBytes()).isEqualTo(data);
        assertThat(Compressors.detect(file)).isEqualTo(Compression.ZSTD);
    }

    /** The assumption Compressors relies on: zstd frames are identical for any worker count >= 1. */
    @Test
    void zstdOutputDoesNotDependOnWorkerCount() throws IOException {
        byte[] data = sample(40 << 20, 3); // several zstd jobs at level 3
        assertThat(zstd(data, 1)).isEqualTo(zstd(data, 3));
    }

    private static byte[] zstd(byte[] data, int workers) throws IOException {
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        try (OutputStream out = new ZstdOutputStreamNoFinalizer(sink, 3).setChecksum(true).setWorkers(workers)) {
            for (int off = 0; off < data.length; off += 100_000) {
                out.write(data, off, Math.min(100_000, data.length - off));
            }
        }
        return sink.toByteArray();
    }

    @Test
    void detectsByMagicBytes() {
        assertThat(Compressors.detect(new byte[] {0x1f, (byte) 0x8b, 8})).isEqualTo(Compression.GZIP);
        assertThat(Compressors.detect(new byte[] {0x28, (byte) 0xb5, 0x2f, (byte) 0xfd})).isEqualTo(Compression.ZSTD);
        assertThat(Compressors.detect("file.txt".getBytes())).isEqualTo(Compression.NONE);
        assertThat(Compressors.detect(new byte[0])).isEqualTo(Compression.NONE);
    }

    @Test
    void decompressDetectedHandlesAllThree() throws IOException {
        byte[] data = sample(5000, 5);
        for (Compression c : Compression.values()) {
            ByteArrayOutputStream sink = new ByteArrayOutputStream();
            try (OutputStream out = Compressors.compress(sink, c)) {
                out.write(data);
            }
            assertThat(Compressors.decompressDetected(new ByteArrayInputStream(sink.toByteArray())).readAllBytes())
                    .as(c.name()).isEqualTo(data);
        }
    }

    @Test
    void refusesBadLevels() {
        assertThatThrownBy(() -> Compressors.compress(new ByteArrayOutputStream(), Compression.GZIP, 10))
                .isInstanceOf(OciException.class).hasMessageContaining("gzip level 10");
    }
}
