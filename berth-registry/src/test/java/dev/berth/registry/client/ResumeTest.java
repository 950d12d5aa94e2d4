package dev.berth.registry.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.oci.image.Descriptor;
import dev.berth.oci.store.GarbageCollector;
import dev.berth.oci.store.ImageStore;
import dev.berth.oci.store.StoreCheck;
import dev.berth.registry.RegistryException;
import dev.berth.registry.server.RegistryServer;
import dev.berth.registry.testing.DistributionRegistry;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A pull that fails midway leaves its partial blob in the store's ingest area; the next pull continues it with
 * {@code Range} and fetches only the rest; a registry that ignores Range makes it start over. Against Berth's registry
 * and distribution 2.8 on 127.0.0.1, through a proxy that counts the blob bytes served.
 */
class ResumeTest {
    private static final int LAYER = 3 << 20;
    private static final long CUT = 300_000;

    @TempDir
    Path work;

    @Test
    void berthRegistry() throws Exception {
        try (RegistryServer server = RegistryServer.start(
                new RegistryServer.Config(work.resolve("registry"), "127.0.0.1", 0, false))) {
            resumesAndRestarts(server.baseUri().getAuthority());
        }
    }

    @Test
    void distribution() throws Exception {
        try (DistributionRegistry registry = DistributionRegistry.start(work.resolve("distribution"))) {
            resumesAndRestarts(registry.domain());
        }
    }

    private void resumesAndRestarts(String registry) throws Exception {
        ImageStore source = ImageStore.open(work.resolve("source"));
        Descriptor manifest = TestImages.image(source, registry + "/team/big:1", List.of(TestImages.random(LAYER, 11)));
        Descriptor layer = source.readManifest(manifest.digest()).layers().getFirst();
        try (RegistryClient client = PullPushTest.client();
                MeteredProxy proxy = new MeteredProxy(URI.create("http://" + registry + "/"))) {
            client.push(source, registry + "/team/big:1", null);
            String ref = proxy.domain() + "/team/big:1";

            // 1. Every response cut short: the pull gives up, keeping what it got.
            ImageStore store = ImageStore.open(work.resolve("target"));
            long partial = failedPull(client, proxy, store, ref);
            // the small config was complete and committed; only the layer is left to fetch
            assertThat(store.content().contains(source.readManifest(manifest.digest()).config().digest())).isTrue();
            assertThat(partial).as("bytes kept from the failed pull").isGreaterThan(CUT).isLessThan(LAYER);
            assertThat(new StoreCheck(store).run(false).problems()).as("a fresh partial file is no problem").isEmpty();

            // 2. The next pull asks for the rest only.
            proxy.cutBlobsAfter = 0;
            proxy.blobBytesServed.set(0);
            proxy.rangesAsked.clear();
            PullResult pulled = client.pull(store, ref, null);
            assertThat(pulled.digest()).isEqualTo(manifest.digest());
            assertThat(proxy.rangesAsked).containsExactly("bytes=" + partial + "-");
            assertThat(proxy.blobBytesServed.get()).as("layer bytes served on resume")
                    .isEqualTo(layer.size() - partial);
            assertThat(store.content().read(layer.digest())).isEqualTo(source.content().read(layer.digest()));
            assertThat(resumeFiles(store)).isEmpty();
            assertThat(new StoreCheck(store).run(false).problems()).isEmpty();

            // 3. A registry that ignores Range: the pull starts over from byte 0 and still verifies.
            ImageStore other = ImageStore.open(work.resolve("other"));
            failedPull(client, proxy, other, ref);
            proxy.cutBlobsAfter = 0;
            proxy.ignoreRange = true;
            proxy.blobBytesServed.set(0);
            client.pull(other, ref, null);
            assertThat(proxy.blobBytesServed.get()).isEqualTo(layer.size());
            assertThat(other.content().read(layer.digest())).isEqualTo(source.content().read(layer.digest()));
            assertThat(new StoreCheck(other).run(false).problems()).isEmpty();
            proxy.ignoreRange = false;

            // 4. A partial file nobody took up within the grace period is removed by repair (and gc).
            ImageStore third = ImageStore.open(work.resolve("third"));
            failedPull(client, proxy, third, ref);
            Path stale = resumeFiles(third).getFirst();
            Files.setLastModifiedTime(stale, FileTime.from(Instant.now().minus(GarbageCollector.RESUME_GRACE).minusSeconds(60)));
            StoreCheck.Report report = new StoreCheck(third).run(true);
            assertThat(report.problems()).extracting(StoreCheck.Problem::kind).containsExactly("partial-write");
            assertThat(stale).doesNotExist();
            assertThat(new StoreCheck(third).run(false).problems()).isEmpty();

            // 5. A partial file damaged on disk: the continued blob fails its digest, and is fetched once more from 0.
            ImageStore fourth = ImageStore.open(work.resolve("fourth"));
            long kept = failedPull(client, proxy, fourth, ref);
            Path damaged = resumeFiles(fourth).getFirst();
            try (var channel = java.nio.channels.FileChannel.open(damaged, java.nio.file.StandardOpenOption.WRITE)) {
                channel.write(java.nio.ByteBuffer.wrap(new byte[] {0x42, 0x42, 0x42}), 1000);
            }
            proxy.cutBlobsAfter = 0;
            proxy.blobBytesServed.set(0);
            client.pull(fourth, ref, null);
            assertThat(proxy.blobBytesServed.get()).isEqualTo(layer.size() - kept + layer.size());
            assertThat(fourth.content().read(layer.digest())).isEqualTo(source.content().read(layer.digest()));
            assertThat(resumeFiles(fourth)).isEmpty();
            assertThat(new StoreCheck(fourth).run(false).problems()).isEmpty();
        }
    }

    private static long failedPull(RegistryClient client, MeteredProxy proxy, ImageStore store, String ref) throws Exception {
        proxy.cutBlobsAfter = CUT;
        assertThatThrownBy(() -> client.pull(store, ref, null)).isInstanceOf(RegistryException.class)
                .hasMessageContaining("after " + (Puller.BLOB_RETRIES + 1) + " attempts");
        assertThat(store.images()).isEmpty();
        List<Path> files = resumeFiles(store);
        assertThat(files).hasSize(1);
        return Files.size(files.getFirst());
    }

    private static List<Path> resumeFiles(ImageStore store) throws Exception {
        try (Stream<Path> files = Files.list(store.paths().ingest())) {
            return files.filter(f -> f.getFileName().toString().startsWith("resume-")).toList();
        }
    }
}
