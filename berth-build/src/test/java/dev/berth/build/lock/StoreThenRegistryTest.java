package dev.berth.build.lock;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.build.testing.TestImages;
import dev.berth.build.testing.TestRegistry;
import dev.berth.oci.digest.Digest;
import dev.berth.oci.image.Descriptor;
import dev.berth.oci.image.Platform;
import dev.berth.oci.reference.Reference;
import dev.berth.oci.store.ImageStore;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Resolving references against Berth's registry on 127.0.0.1 and against the store, without pulling. */
class StoreThenRegistryTest {
    static final Platform AMD64 = Platform.of("linux", "amd64");
    static final Platform ARM64 = Platform.of("linux", "arm64");

    @TempDir
    Path work;

    TestRegistry registry;
    ImageStore source;
    ImageStore local;

    @BeforeEach
    void start() {
        registry = TestRegistry.start(work.resolve("registry"));
        source = ImageStore.open(work.resolve("source"));
        local = ImageStore.open(work.resolve("local"));
    }

    @AfterEach
    void stop() {
        registry.close();
    }

    @Test
    void aTagInTheRegistryResolvesToItsManifestAndNothingIsStored() {
        Descriptor manifest = TestImages.tiny(source, AMD64, "one");
        source.tag(Reference.parse(registry.ref("team/base:1")), manifest);
        registry.push(source, registry.ref("team/base:1"), registry.ref("team/base:1"));

        var resolver = new StoreThenRegistry(local, registry.client());
        var resolved = (ImageResolver.Resolved) resolver.resolve(Reference.parse(registry.ref("team/base:1")), List.of(AMD64));
        assertThat(resolved.digest()).isEqualTo(manifest.digest());
        assertThat(resolved.manifests()).containsExactlyEntriesOf(java.util.Map.of("linux/amd64", manifest.digest()));
        assertThat(resolved.source()).isEqualTo(registry.domain());
        assertThat(local.content().list()).as("resolving pulls nothing").isEmpty();
    }

    @Test
    void anIndexGivesTheManifestOfEachPlatform() {
        Descriptor index = TestImages.multiPlatform(source, registry.ref("team/multi:1"), List.of(AMD64, ARM64), "m");
        registry.push(source, registry.ref("team/multi:1"), registry.ref("team/multi:1"));
        var children = source.readIndex(index.digest()).manifests();

        var resolver = new StoreThenRegistry(local, registry.client());
        var resolved = (ImageResolver.Resolved) resolver.resolve(Reference.parse(registry.ref("team/multi:1")),
                List.of(ARM64, AMD64));
        assertThat(resolved.digest()).isEqualTo(index.digest());
        assertThat(resolved.manifests()).containsEntry("linux/amd64", children.get(0).digest())
                .containsEntry("linux/arm64", children.get(1).digest()).hasSize(2);

        var missing = resolver.resolve(Reference.parse(registry.ref("team/multi:1")), List.of(Platform.of("linux", "s390x")));
        assertThat(missing).isInstanceOf(ImageResolver.Missing.class);
        assertThat(((ImageResolver.Missing) missing).reason())
                .contains("has no manifest for linux/s390x (it has: linux/amd64, linux/arm64)");

        // by digest: the index is fetched by its digest and checked against it
        var byDigest = (ImageResolver.Resolved) resolver.resolve(
                Reference.parse(registry.ref("team/multi@" + index.digest())), List.of(ARM64));
        assertThat(byDigest.manifests()).containsEntry("linux/arm64", children.get(1).digest());
    }

    @Test
    void unknownTagsAndRepositoriesAreMissingAndAClosedPortIsUnreachable() throws Exception {
        TestImages.tiny(source, AMD64, "x");
        var resolver = new StoreThenRegistry(local, registry.client());
        var noRepo = resolver.resolve(Reference.parse(registry.ref("nobody/here:1")), List.of(AMD64));
        assertThat(noRepo).isInstanceOf(ImageResolver.Missing.class);
        assertThat(((ImageResolver.Missing) noRepo).reason()).isEqualTo(registry.ref("nobody/here:1")
                + " was not found in " + registry.domain() + " nor in Berth's image store");

        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        var unreachable = resolver.resolve(Reference.parse("127.0.0.1:" + closedPort + "/team/base:1"), List.of(AMD64));
        assertThat(unreachable).isInstanceOf(ImageResolver.Unreachable.class);
        assertThat(((ImageResolver.Unreachable) unreachable).reason()).contains("cannot reach 127.0.0.1:" + closedPort)
                .contains("connection refused");
    }

    @Test
    void theStoreAnswersFirstWhenItHasTheImageForEveryPlatform() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        String offline = "127.0.0.1:" + closedPort + "/team/local:1";
        Descriptor amd = TestImages.tiny(local, AMD64, "local");
        local.tag(Reference.parse(offline), amd);
        var resolver = new StoreThenRegistry(local, registry.client());

        var resolved = (ImageResolver.Resolved) resolver.resolve(Reference.parse(offline), List.of(AMD64));
        assertThat(resolved.source()).isEqualTo("the store");
        assertThat(resolved.manifests()).containsEntry("linux/amd64", amd.digest());

        // an amd64 image in the store does not answer for arm64: the registry is asked, and here it is out of reach
        assertThat(resolver.resolve(Reference.parse(offline), List.of(ARM64))).isInstanceOf(ImageResolver.Unreachable.class);

        // a stored index answers for its platforms, also when asked for by digest
        Descriptor index = TestImages.multiPlatform(local, "127.0.0.1:" + closedPort + "/team/multi:1", List.of(AMD64, ARM64), "s");
        var fromIndex = (ImageResolver.Resolved) resolver.resolve(
                Reference.parse("127.0.0.1:" + closedPort + "/team/multi@" + index.digest()), List.of(AMD64, ARM64));
        assertThat(fromIndex.digest()).isEqualTo(index.digest());
        assertThat(fromIndex.manifests().values()).doesNotContain(index.digest()).hasSize(2);
    }

    @Test
    void withoutAStoreOnlyTheRegistryIsAsked() {
        Descriptor first = TestImages.tiny(source, AMD64, "first");
        source.tag(Reference.parse(registry.ref("team/base:1")), first);
        registry.push(source, registry.ref("team/base:1"), registry.ref("team/base:1"));
        Descriptor other = TestImages.tiny(local, AMD64, "other");
        local.tag(Reference.parse(registry.ref("team/base:1")), other);

        Digest fromRegistry = ((ImageResolver.Resolved) new StoreThenRegistry(null, registry.client())
                .resolve(Reference.parse(registry.ref("team/base:1")), List.of(AMD64))).digest();
        Digest fromStore = ((ImageResolver.Resolved) new StoreThenRegistry(local, registry.client())
                .resolve(Reference.parse(registry.ref("team/base:1")), List.of(AMD64))).digest();
        assertThat(fromRegistry).isEqualTo(first.digest());
        assertThat(fromStore).isEqualTo(other.digest());
    }
}
