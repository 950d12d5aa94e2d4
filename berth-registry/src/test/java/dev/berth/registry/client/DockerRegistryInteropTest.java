package dev.berth.registry.client;

import dev.berth.registry.testing.DistributionRegistry;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.berth.oci.digest.Digest;
import dev.berth.oci.image.Descriptor;
import dev.berth.oci.store.ImageStore;
import dev.berth.oci.store.StoreCheck;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Push to and pull from Debian's docker-registry (distribution 2.8): our own process on a free 127.0.0.1 port. */
class DockerRegistryInteropTest {
    @TempDir
    Path work;

    DistributionRegistry registry;
    String domain;

    @BeforeEach
    void start() throws Exception {
        registry = DistributionRegistry.start(Files.createDirectories(work.resolve("registry")));
        domain = registry.domain();
    }

    @AfterEach
    void stop() throws InterruptedException {
        if (registry != null) {
            registry.close();
        }
    }

    @Test
    void pushThenPullRoundTrip() throws Exception {
        ImageStore source = ImageStore.open(work.resolve("source"));
        ImageStore target = ImageStore.open(work.resolve("target"));
        Descriptor manifest = TestImages.image(source, domain + "/interop/model:1",
                List.of(TestImages.random(250_000, 11), TestImages.bytes("tiny layer")));
        try (RegistryClient client = new RegistryClient(ClientOptions.defaults().withCredentials(CredentialStore.none())
                .withChunkSize(100_000))) {
            PushResult pushed = client.push(source, domain + "/interop/model:1", null);
            assertThat(pushed.digest()).isEqualTo(manifest.digest());
            assertThat(pushed.uploaded()).isEqualTo(3);
            assertThat(client.push(source, domain + "/interop/model:1", null).uploaded()).isZero();

            PullResult pulled = client.pull(target, domain + "/interop/model:1", null);
            assertThat(pulled.digest()).isEqualTo(manifest.digest());
            PullResult byDigest = client.pull(ImageStore.open(work.resolve("third")),
                    domain + "/interop/model@" + manifest.digest(), null);
            assertThat(byDigest.manifest()).isEqualTo(manifest);
        }
        for (Digest d : source.closure(manifest, new ArrayList<>())) {
            assertThat(target.content().read(d)).isEqualTo(source.content().read(d));
        }
        assertThat(target.resolve(domain + "/interop/model:1").root()).isEqualTo(manifest);
        assertThat(new StoreCheck(target).run(false).consistent()).isTrue();
    }
}
