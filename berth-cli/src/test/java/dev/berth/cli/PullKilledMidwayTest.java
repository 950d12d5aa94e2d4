package dev.berth.cli;

import dev.berth.cli.InProcessBerth.Run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.oci.digest.Digest;
import dev.berth.oci.digest.DigestingInputStream;
import dev.berth.oci.image.Compression;
import dev.berth.oci.image.Descriptor;
import dev.berth.oci.layer.LayerEntry;
import dev.berth.oci.store.ImageStore;
import dev.berth.oci.store.StoreCheck;
import dev.berth.registry.server.RegistryServer;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A {@code berth pull} from a Berth registry, killed with SIGKILL while it downloads a large layer, names nothing and
 * leaves no half-written blob visible; the same pull then continues the partial layer with {@code Range} (fetching
 * only the rest, counted by a proxy in front of the registry) and completes, and repair removes the dead lease.
 */
class PullKilledMidwayTest {
    private static final long LAYER_SIZE = 200L << 20;
    private static final long KILL_AT = 50L << 20;

    @TempDir
    Path work;

    RegistryServer server;
    String domain;
    CountingProxy proxy;

    @BeforeEach
    void start() {
        server = RegistryServer.start(new RegistryServer.Config(work.resolve("registry"), "127.0.0.1", 0, false));
        domain = server.baseUri().getAuthority();
    }

    @AfterEach
    void stop() throws IOException {
        if (proxy != null) {
            proxy.close();
        }
        if (server != null) {
            server.close();
        }
    }

    Run berth(Path root, String... args) {
        return InProcessBerth.run(root, args);
    }

    @Test
    void aPullKilledWhileDownloadingALayerLeavesNothingHalfVisibleAndRunsAgain() throws Exception {
        Descriptor manifest = pushBigImage(work.resolve("source"), domain + "/big/img:1");
        proxy = new CountingProxy(server.baseUri().getPort());
        String image = proxy.domain() + "/big/img:1";

        Path root = work.resolve("root");
        Path ingest = root.resolve("images/ingest");
        Path log = work.resolve("pull.log");
        Process process = BerthProcess.start(root, log, "pull", image);
        boolean killedMidway = false;
        long seen = 0;
        try {
            long deadline = System.nanoTime() + 120_000_000_000L;
            while (process.isAlive() && System.nanoTime() < deadline) {
                seen = largestFile(ingest);
                if (seen > KILL_AT) {
                    process.destroyForcibly();
                    killedMidway = true;
                    break;
                }
                Thread.onSpinWait();
            }
        } finally {
            CliProcess.kill(process);
        }
        assertThat(killedMidway).as("the pull was not caught with more than %d bytes in an ingest file (largest seen %d);"
                + " alive=%s, output: %s", KILL_AT, seen, process.isAlive(), Files.readString(log)).isTrue();
        assertThat(process.exitValue()).as("exit code of the SIGKILLed pull").isEqualTo(137);
        System.out.printf("killed the pull with %d of %d layer bytes in its ingest file%n", seen, LAYER_SIZE);

        ImageStore store = ImageStore.open(root);
        assertThat(store.images()).as("no name is written by a pull that did not finish").isEmpty();
        StoreCheck.Report before = new StoreCheck(store).run(false);
        assertThat(before.problems()).as("only the killed writer's lease; its partial layer is kept to resume")
                .extracting(StoreCheck.Problem::kind).containsExactly("stale-lease");
        assertThat(store.content().list()).as("the big layer is not visible").doesNotContain(bigLayer(manifest));
        assertEveryBlobMatchesItsDigest(store);
        Path partial = ingest.resolve("resume-sha256-" + bigLayer(manifest).encoded());
        long kept = Files.size(partial);
        long layerSize = ImageStore.open(work.resolve("source")).readManifest(manifest.digest()).layers().getFirst().size();
        assertThat(kept).as("bytes of the layer kept in %s", partial).isGreaterThan(KILL_AT).isLessThan(layerSize);

        // The same pull, in-process, continues the layer from where the killed one stopped.
        proxy.reset();
        Run again = berth(root, "pull", image);
        assertThat(again.exit()).as(again.err()).isZero();
        assertThat(proxy.requests()).containsIgnoringCase("Range: bytes=" + kept + "-");
        long served = proxy.bytesToClients.get();
        System.out.printf("second pull: %d bytes from the registry for a layer of %d with %d kept%n", served, layerSize, kept);
        assertThat(served).as("bytes the registry sent to the second pull")
                .isGreaterThanOrEqualTo(layerSize - kept).isLessThan(layerSize - kept + (64 << 10));
        assertThat(again.out()).contains("Digest: " + manifest.digest(), "Status: Downloaded newer image for " + image);
        assertThat(store.images()).hasSize(1);
        assertThat(store.content().list()).contains(bigLayer(manifest));
        assertEveryBlobMatchesItsDigest(store);
        StoreCheck.Report after = new StoreCheck(store).run(false);
        assertThat(after.problems()).as("nothing wrong but the dead writer's leftovers")
                .allSatisfy(p -> assertThat(p.kind()).isIn("stale-lease", "partial-write"));

        // `system check` reports the dead lease (exit 1); `--repair` removes it and its ingest file.
        Run check = berth(root, "system", "check");
        assertThat(check.exit()).as(check.out() + check.err()).isEqualTo(1);
        assertThat(check.out()).contains("stale-lease");
        Run repair = berth(root, "system", "check", "--repair");
        assertThat(repair.exit()).as(repair.out() + repair.err()).isZero();
        assertThat(repair.out()).contains("repaired stale-lease", "all repaired");
        assertThat(new StoreCheck(store).run(false).problems()).isEmpty();
        assertThat(count(root.resolve("images/leases"))).isZero();
        assertThat(count(ingest)).isZero();
        Run clean = berth(root, "system", "check");
        assertThat(clean.exit()).as(clean.out() + clean.err()).isZero();
        assertThat(store.images()).hasSize(1);
    }

    /** One uncompressed layer of random bytes (incompressible), tagged in a store of its own and pushed with berth push. */
    private Descriptor pushBigImage(Path source, String image) throws IOException {
        Path file = work.resolve("random.bin");
        SplittableRandom random = new SplittableRandom(7);
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
        Descriptor manifest = TestImages.build(ImageStore.open(source), image, Compression.NONE,
                List.of(List.of(LayerEntry.file("random.bin", file, 0644))));
        Files.delete(file);
        Run push = berth(source, "push", image);
        assertThat(push.exit()).as(push.err()).isZero();
        assertThat(push.out()).contains("1: digest: " + manifest.digest());
        return manifest;
    }

    private Digest bigLayer(Descriptor manifest) {
        return ImageStore.open(work.resolve("source")).readManifest(manifest.digest()).layers().getFirst().digest();
    }

    private static void assertEveryBlobMatchesItsDigest(ImageStore store) throws IOException {
        for (Digest digest : store.content().list()) {
            try (DigestingInputStream in = new DigestingInputStream(store.content().open(digest))) {
                in.transferTo(OutputStream.nullOutputStream());
                assertThat(in.digest()).as("content of blob %s", digest).isEqualTo(digest);
            }
        }
    }

    private static long largestFile(Path dir) {
        long largest = 0;
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                try {
                    largest = Math.max(largest, Files.size(file));
                } catch (IOException gone) {
                    // committed (renamed) or removed between list and size
                }
            }
        } catch (IOException | java.io.UncheckedIOException notYet) {
            // the store is not created yet
        }
        return largest;
    }

    private static long count(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.count();
        } catch (IOException e) {
            return 0;
        }
    }
}
