package dev.berth.registry.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.oci.digest.Digest;
import dev.berth.oci.image.Descriptor;
import dev.berth.oci.image.Manifest;
import dev.berth.oci.image.Platform;
import dev.berth.oci.store.Image;
import dev.berth.oci.store.ImageStore;
import dev.berth.oci.store.StoreCheck;
import dev.berth.registry.RegistryException;
import dev.berth.registry.server.RegistryServer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Push from one store to a real Berth registry on 127.0.0.1, pull into another. */
class PullPushTest {
    @TempDir
    Path work;

    RegistryServer server;
    String domain;
    ImageStore source;
    ImageStore target;
    final List<String> events = Collections.synchronizedList(new ArrayList<>());
    final TransferListener listener = (layer, status, detail) -> events.add(layer.digest().shortHex() + " " + status
            + (detail == null ? "" : " " + detail));

    @BeforeEach
    void start() {
        server = RegistryServer.start(new RegistryServer.Config(work.resolve("registry"), "127.0.0.1", 0, false));
        domain = server.baseUri().getAuthority();
        source = ImageStore.open(work.resolve("source"));
        target = ImageStore.open(work.resolve("target"));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    static RegistryClient client() {
        return new RegistryClient(ClientOptions.defaults().withCredentials(CredentialStore.none()));
    }

    @Test
    void pushThenPullGivesIdenticalBlobsAndAConsistentStore() throws Exception {
        Descriptor manifest = TestImages.image(source, domain + "/team/model:1.0",
                List.of(TestImages.random(300_000, 1), TestImages.bytes("small"), TestImages.random(50_000, 2)));
        try (RegistryClient client = client()) {
            PushResult pushed = client.push(source, domain + "/team/model:1.0", listener);
            assertThat(pushed.digest()).isEqualTo(manifest.digest());
            assertThat(pushed.size()).isEqualTo(manifest.size());
            assertThat(pushed.uploaded()).isEqualTo(4);
            assertThat(events).hasSize(3).allMatch(e -> e.endsWith("PUSHED"));

            events.clear();
            PullResult pulled = client.pull(target, domain + "/team/model:1.0", listener);
            assertThat(pulled.digest()).isEqualTo(manifest.digest());
            assertThat(pulled.manifest()).isEqualTo(manifest);
            assertThat(pulled.downloaded()).isEqualTo(4);
            assertThat(pulled.upToDate()).isFalse();
            assertThat(events).hasSize(3).allMatch(e -> e.endsWith("PULL_COMPLETE"));
        }
        Image a = source.resolve(domain + "/team/model:1.0");
        Image b = target.resolve(domain + "/team/model:1.0");
        assertThat(b.root()).isEqualTo(a.root());
        assertThat(b.id()).isEqualTo(a.id());
        assertThat(b.manifest()).isEqualTo(a.manifest());
        for (Digest d : source.closure(a.root(), new ArrayList<>())) {
            assertThat(target.content().read(d)).isEqualTo(source.content().read(d));
        }
        assertThat(new StoreCheck(target).run(false).consistent()).isTrue();
    }

    @Test
    void secondPushAndPullSkipWhatIsThere() throws Exception {
        TestImages.image(source, domain + "/skip/me:v1", List.of(TestImages.bytes("one"), TestImages.bytes("two")));
        try (RegistryClient client = client()) {
            client.push(source, domain + "/skip/me:v1", null);
            PushResult again = client.push(source, domain + "/skip/me:v1", listener);
            assertThat(again.uploaded()).isZero();
            assertThat(events).hasSize(2).allMatch(e -> e.endsWith("LAYER_EXISTS"));

            client.pull(target, domain + "/skip/me:v1", null);
            events.clear();
            PullResult second = client.pull(target, domain + "/skip/me:v1", listener);
            assertThat(second.downloaded()).isZero();
            assertThat(second.present()).isEqualTo(3);
            assertThat(second.upToDate()).isTrue();
            assertThat(events).hasSize(2).allMatch(e -> e.endsWith("ALREADY_EXISTS"));
        }
        // a new image sharing a layer: only the new blobs move
        TestImages.image(source, domain + "/skip/me:v2", List.of(TestImages.bytes("one"), TestImages.bytes("three")));
        try (RegistryClient client = client()) {
            PushResult pushed = client.push(source, domain + "/skip/me:v2", null);
            assertThat(pushed.uploaded()).isEqualTo(2); // config + new layer
            PullResult pulled = client.pull(target, domain + "/skip/me:v2", null);
            assertThat(pulled.downloaded()).isEqualTo(2);
            assertThat(pulled.present()).isEqualTo(1);
        }
    }

    @Test
    void pullByDigestKeepsTheImageUntaggedAndVerifiesTheManifest() throws Exception {
        Descriptor manifest = TestImages.image(source, domain + "/by/digest:latest", List.of(TestImages.bytes("d")));
        try (RegistryClient client = client()) {
            client.push(source, domain + "/by/digest:latest", null);
            PullResult pulled = client.pull(target, domain + "/by/digest@" + manifest.digest(), null);
            assertThat(pulled.manifest().digest()).isEqualTo(manifest.digest());
            assertThat(target.resolve(domain + "/by/digest@" + manifest.digest()).root().digest()).isEqualTo(manifest.digest());
            assertThat(target.images()).hasSize(1);
            assertThat(target.images().getFirst().names()).isEmpty();

            Digest missing = Digest.sha256(TestImages.bytes("nothing"));
            assertThatThrownBy(() -> client.pull(target, domain + "/by/digest@" + missing, null))
                    .isInstanceOf(RegistryException.class).hasMessageContaining("not found");
            assertThatThrownBy(() -> client.pull(target, domain + "/by/digest:nope", null))
                    .isInstanceOf(RegistryException.class).hasMessageContaining("manifest for").hasMessageContaining("not found");
        }
    }

    @Test
    void pullOfAnIndexTakesTheAskedPlatform() throws Exception {
        Descriptor index = TestImages.multiPlatform(source, domain + "/multi/arch:1");
        Manifest arm;
        Descriptor armDescriptor = source.readIndex(index.digest()).manifests().stream()
                .filter(d -> d.platform().architecture().equals("arm64")).findFirst().orElseThrow();
        arm = source.readManifest(armDescriptor.digest());
        try (RegistryClient client = client()) {
            PushResult pushed = client.push(source, domain + "/multi/arch:1", null);
            assertThat(pushed.digest()).isEqualTo(index.digest());
        }
        try (RegistryClient client = new RegistryClient(ClientOptions.defaults().withCredentials(CredentialStore.none())
                .withPlatform(Platform.of("linux", "arm64")))) {
            PullResult pulled = client.pull(target, domain + "/multi/arch:1", null);
            assertThat(pulled.digest()).isEqualTo(index.digest());
            assertThat(pulled.index().digest()).isEqualTo(index.digest());
            assertThat(pulled.manifest().digest()).isEqualTo(armDescriptor.digest());
            assertThat(target.readManifest(pulled.manifest().digest())).isEqualTo(arm);
            assertThat(target.content().contains(arm.layers().getFirst().digest())).isTrue();
            // the amd64 layer was not fetched
            Descriptor amd = source.readIndex(index.digest()).manifests().getFirst();
            assertThat(target.content().contains(source.readManifest(amd.digest()).layers().getFirst().digest())).isFalse();
        }
        try (RegistryClient client = new RegistryClient(ClientOptions.defaults().withCredentials(CredentialStore.none())
                .withPlatform(Platform.of("linux", "s390x")))) {
            assertThatThrownBy(() -> client.pull(target, domain + "/multi/arch:1", null))
                    .isInstanceOf(RegistryException.class).hasMessageContaining("no matching manifest for linux/s390x")
                    .hasMessageContaining("linux/arm64");
        }
        assertThat(new StoreCheck(target).run(false).consistent()).isTrue();
    }

    @Test
    void largeBlobsArePushedInChunksAndAKnownBlobIsMounted() throws Exception {
        TestImages.image(source, domain + "/big/one:1", List.of(TestImages.random(200_000, 7)));
        try (RegistryClient client = new RegistryClient(ClientOptions.defaults().withCredentials(CredentialStore.none())
                .withChunkSize(64 * 1024))) {
            client.push(source, domain + "/big/one:1", null);
            source.tag(dev.berth.oci.reference.Reference.parse(domain + "/big/two:1"), source.resolve(domain + "/big/one:1").root());
            client.push(source, domain + "/big/two:1", listener);
            assertThat(events).singleElement().asString().endsWith("MOUNTED big/one");
            PullResult pulled = client.pull(target, domain + "/big/two:1", null);
            assertThat(pulled.downloaded()).isEqualTo(2);
        }
        assertThat(new StoreCheck(target).run(false).consistent()).isTrue();
    }

    @Test
    void pushOfAnUnknownImageAndPullFromNowhereFailClearly() throws Exception {
        try (RegistryClient client = client()) {
            assertThatThrownBy(() -> client.push(source, domain + "/no/such:1", null))
                    .isInstanceOf(RegistryException.class).hasMessageContaining("does not exist locally");
            int port;
            try (var socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
                port = socket.getLocalPort();
            }
            assertThatThrownBy(() -> client.pull(target, "127.0.0.1:" + port + "/x:1", null))
                    .isInstanceOf(RegistryException.class).hasMessageContaining("cannot reach 127.0.0.1:" + port);
        }
    }
}
