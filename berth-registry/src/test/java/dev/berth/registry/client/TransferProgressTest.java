package dev.berth.registry.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.oci.digest.Digest;
import dev.berth.oci.image.Descriptor;
import dev.berth.oci.store.ImageStore;
import dev.berth.registry.server.RegistryServer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Byte progress reported while layers stream: rising, about every 64 KiB, ending at the layer's size, never for the config. */
class TransferProgressTest {
    @TempDir
    Path work;

    RegistryServer server;
    String domain;

    record Tick(long bytes, long total) {
    }

    /** Records each layer's progress and which layers completed; checks progress never comes after completion. */
    static final class Recorder implements TransferListener {
        final Map<Digest, List<Tick>> ticks = new ConcurrentHashMap<>();
        final Map<Digest, Status> statuses = new ConcurrentHashMap<>();

        @Override
        public void layer(Descriptor layer, Status status, String detail) {
            statuses.put(layer.digest(), status);
        }

        @Override
        public void progress(Descriptor layer, long bytes, long total) {
            assertThat(statuses).doesNotContainKey(layer.digest());
            ticks.computeIfAbsent(layer.digest(), d -> new ArrayList<>()).add(new Tick(bytes, total));
        }
    }

    @BeforeEach
    void start() {
        server = RegistryServer.start(new RegistryServer.Config(work.resolve("registry"), "127.0.0.1", 0, false));
        domain = server.baseUri().getAuthority();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    /** Rising to size; no more ticks than one per interval plus one at the end of each chunk (pushes send chunks apart). */
    static void assertProgress(List<Tick> ticks, long size, long chunk) {
        assertThat(ticks).isNotEmpty();
        assertThat(ticks).allMatch(t -> t.total() == size);
        assertThat(ticks.getLast().bytes()).isEqualTo(size);
        long previous = 0;
        for (Tick t : ticks) {
            assertThat(t.bytes()).isGreaterThan(previous);
            if (t != ticks.getLast() && t.bytes() % chunk != 0) {
                assertThat(t.bytes() - previous).isGreaterThanOrEqualTo(TransferListener.PROGRESS_INTERVAL);
            }
            previous = t.bytes();
        }
        assertThat(ticks.size()).isLessThanOrEqualTo((int) (size / TransferListener.PROGRESS_INTERVAL + Math.ceilDiv(size, chunk)));
    }

    void pushThenPull(ClientOptions options) throws Exception {
        long chunk = options.chunkSize();
        ImageStore source = ImageStore.open(work.resolve("source"));
        ImageStore target = ImageStore.open(work.resolve("target"));
        String name = domain + "/team/progress:1";
        int big = 700_000;
        int small = 1_000;
        Descriptor manifest = TestImages.image(source, name, List.of(TestImages.random(big, 7), TestImages.random(small, 8)));
        var layers = source.readManifest(manifest.digest()).layers();
        Digest config = source.readManifest(manifest.digest()).config().digest();

        Recorder push = new Recorder();
        try (RegistryClient client = new RegistryClient(options)) {
            client.push(source, name, push);
        }
        assertThat(push.ticks).doesNotContainKey(config).hasSize(2);
        assertProgress(push.ticks.get(layers.get(0).digest()), layers.get(0).size(), chunk);
        assertProgress(push.ticks.get(layers.get(1).digest()), layers.get(1).size(), chunk);
        assertThat(push.statuses.values()).containsOnly(TransferListener.Status.PUSHED);

        Recorder pull = new Recorder();
        try (RegistryClient client = new RegistryClient(options)) {
            client.pull(target, name, pull);
        }
        assertThat(pull.ticks).doesNotContainKey(config).hasSize(2);
        assertProgress(pull.ticks.get(layers.get(0).digest()), layers.get(0).size(), Long.MAX_VALUE);
        assertProgress(pull.ticks.get(layers.get(1).digest()), layers.get(1).size(), Long.MAX_VALUE);
        assertThat(pull.statuses.values()).containsOnly(TransferListener.Status.PULL_COMPLETE);
        assertThat(target.content().read(layers.get(0).digest())).isEqualTo(source.content().read(layers.get(0).digest()));
    }

    @Test
    void pushInOnePutAndPullReportBytes() throws Exception {
        pushThenPull(ClientOptions.defaults().withCredentials(CredentialStore.none()));
    }

    @Test
    void chunkedPushReportsBytesAcrossChunks() throws Exception {
        pushThenPull(ClientOptions.defaults().withCredentials(CredentialStore.none()).withChunkSize(200_000));
    }

    @Test
    void listenersWithoutProgressStillWork() {
        TransferListener plain = (layer, status, detail) -> {
        };
        plain.progress(null, 1, 2); // the default does nothing
        TransferListener.none().progress(null, 1, 2);
    }
}
