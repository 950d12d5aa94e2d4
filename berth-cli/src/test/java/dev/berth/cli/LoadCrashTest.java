package dev.berth.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.oci.archive.ArchiveFormat;
import dev.berth.oci.archive.ImageArchiveWriter;
import dev.berth.oci.digest.Digest;
import dev.berth.oci.digest.DigestingInputStream;
import dev.berth.oci.image.Compression;
import dev.berth.oci.layer.LayerEntry;
import dev.berth.oci.store.ImageStore;
import dev.berth.oci.store.StoreCheck;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A {@code berth load} killed with SIGKILL at any point leaves a store that is consistent once repaired, and never one
 * with a name pointing at something missing or a blob whose content is not its digest.
 */
class LoadCrashTest {
    private static final long LAYER_SIZE = 160L << 20;

    @TempDir
    static Path shared;

    static Path bigArchive;
    static Path bigRoot;

    /** Two layers of incompressible bytes, 320 MiB in all, saved as an OCI archive. */
    @BeforeAll
    static void makeBigArchive() throws IOException {
        bigRoot = shared.resolve("big-source");
        ImageStore store = ImageStore.open(bigRoot);
        SplittableRandom random = new SplittableRandom(42);
        Path one = randomFile(shared.resolve("one.bin"), random);
        Path two = randomFile(shared.resolve("two.bin"), random);
        TestImages.build(store, "big:1", Compression.NONE, List.of(
                List.of(LayerEntry.file("one.bin", one, 0644)),
                List.of(LayerEntry.file("two.bin", two, 0644))));
        Files.delete(one);
        Files.delete(two);
        bigArchive = shared.resolve("big.tar");
        try (OutputStream out = new java.io.BufferedOutputStream(Files.newOutputStream(bigArchive), 1 << 20)) {
            new ImageArchiveWriter(store).save(List.of("big:1"), ArchiveFormat.OCI, out);
        }
    }

    private static Path randomFile(Path file, SplittableRandom random) throws IOException {
        byte[] chunk = new byte[1 << 20];
        try (OutputStream out = Files.newOutputStream(file)) {
            for (long written = 0; written < LAYER_SIZE; written += chunk.length) {
                for (int i = 0; i < chunk.length; i += 8) {
                    long v = random.nextLong();
                    for (int k = 0; k < 8; k++) {
                        chunk[i + k] = (byte) (v >>> (8 * k));
                    }
                }
                out.write(chunk);
            }
        }
        return file;
    }

    @Test
    void killedEarlyWhileTheFirstBlobIsIngested(@TempDir Path root) throws Exception {
        killWhen(root, r -> count(r.resolve("images/ingest")) > 0);
    }

    @Test
    void killedInTheMiddleAfterOneLayerIsCommitted(@TempDir Path root) throws Exception {
        killWhen(root, r -> count(r.resolve("images/blobs/sha256")) >= 1 && count(r.resolve("images/ingest")) > 0);
    }

    @Test
    void killedJustAfterBothLayersAreCommitted(@TempDir Path root) throws Exception {
        killWhen(root, r -> count(r.resolve("images/blobs/sha256")) >= 2);
    }

    private void killWhen(Path root, Predicate<Path> moment) throws Exception {
        Process process = CliProcess.builder(root, "load", "-i", bigArchive.toString())
                .redirectOutput(root.resolveSibling(root.getFileName() + ".out").toFile())
                .redirectError(root.resolveSibling(root.getFileName() + ".err").toFile())
                .start();
        boolean killedMidway = false;
        try {
            long deadline = System.nanoTime() + 120_000_000_000L;
            while (process.isAlive() && System.nanoTime() < deadline) {
                if (moment.test(root)) {
                    process.destroyForcibly();
                    killedMidway = true;
                    break;
                }
                Thread.onSpinWait();
            }
        } finally {
            CliProcess.kill(process);
        }
        assertThat(killedMidway).as("the load was still running at the kill point; it exited with %s: %s",
                process.exitValue(), Files.readString(root.resolveSibling(root.getFileName() + ".err"))).isTrue();
        assertThat(process.exitValue()).isNotZero();

        ImageStore store = ImageStore.open(root);
        StoreCheck.Report before = new StoreCheck(store).run(false);
        assertThat(before.problems()).as("only leftovers of the killed writer")
                .allSatisfy(p -> assertThat(p.kind()).isIn("stale-lease", "partial-write"));
        // No name refers to anything missing: names come only once every blob is in.
        for (var image : store.images()) {
            List<String> missing = new java.util.ArrayList<>();
            store.closure(image.root(), missing);
            assertThat(missing).isEmpty();
        }
        // Nothing half-written is visible: every blob's content is its digest.
        for (Digest digest : store.content().list()) {
            try (InputStream in = new DigestingInputStream(store.content().open(digest))) {
                DigestingInputStream din = (DigestingInputStream) in;
                din.transferTo(OutputStream.nullOutputStream());
                assertThat(din.digest()).isEqualTo(digest);
            }
        }
        StoreCheck.Report repaired = new StoreCheck(store).run(true);
        assertThat(repaired.consistent()).isTrue();
        assertThat(new StoreCheck(store).run(false).problems()).isEmpty();
        assertThat(count(root.resolve("images/ingest"))).isZero();
        assertThat(count(root.resolve("images/leases"))).isZero();

        // And the store still works: the same archive loads completely afterwards.
        int exit = CliProcess.run(CliProcess.builder(root, "load", "-i", bigArchive.toString())
                .redirectOutput(root.resolveSibling(root.getFileName() + ".out2").toFile())
                .redirectError(root.resolveSibling(root.getFileName() + ".err2").toFile()));
        assertThat(exit).isZero();
        assertThat(Files.readString(root.resolveSibling(root.getFileName() + ".out2"))).isEqualTo("Loaded image: big:1\n");
        assertThat(new StoreCheck(store).run(false).problems()).isEmpty();
    }

    private static long count(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.count();
        } catch (IOException e) {
            return 0;
        }
    }
}
