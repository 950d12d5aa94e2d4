package dev.berth.registry.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.oci.image.Descriptor;
import dev.berth.oci.image.Manifest;
import dev.berth.oci.store.ImageStore;
import dev.berth.oci.store.StoreCheck;
import dev.berth.registry.RegistryException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pulls from a registry that corrupts, cuts off, or demands credentials. */
class FaultyRegistryTest {
    @TempDir
    Path work;

    FakeRegistry fake;
    ImageStore source;
    ImageStore target;
    Descriptor manifest;
    Manifest parsed;
    String ref;

    @BeforeEach
    void start() throws Exception {
        fake = new FakeRegistry();
        source = ImageStore.open(work.resolve("source"));
        target = ImageStore.open(work.resolve("target"));
        manifest = TestImages.image(source, "example.com/test/image:1",
                List.of(TestImages.random(400_000, 3), TestImages.random(100_000, 4)));
        parsed = source.readManifest(manifest.digest());
        fake.serve(source, manifest, "1");
        ref = fake.domain() + "/test/image:1";
    }

    @AfterEach
    void stop() {
        fake.close();
    }

    RegistryClient client(CredentialStore credentials) {
        return new RegistryClient(ClientOptions.defaults().withCredentials(credentials));
    }

    @Test
    void aCorruptBlobFailsThePullAndNeverEntersTheStore() {
        Descriptor bad = parsed.layers().getFirst();
        fake.corrupt.add(bad.digest());
        try (RegistryClient client = client(CredentialStore.none())) {
            assertThatThrownBy(() -> client.pull(target, ref, null))
                    .isInstanceOf(RegistryException.class)
                    .hasMessageContaining(bad.digest().toString())
                    .hasMessageContaining("corrupt");
        }
        assertThat(target.content().contains(bad.digest())).isFalse();
        assertThat(target.find(ref)).isEmpty();
        assertThat(target.images()).isEmpty();
        assertThat(new StoreCheck(target).run(false).consistent()).isTrue();
    }

    @Test
    void aManifestThatDoesNotMatchItsDigestIsRefused() {
        byte[] other = "{\"schemaVersion\":2}".getBytes(StandardCharsets.UTF_8);
        fake.manifests.put(manifest.digest().toString(), other);
        try (RegistryClient client = client(CredentialStore.none())) {
            assertThatThrownBy(() -> client.pull(target, fake.domain() + "/test/image@" + manifest.digest(), null))
                    .isInstanceOf(RegistryException.class).hasMessageContaining("was asked for; refused");
        }
        assertThat(target.images()).isEmpty();
    }

    @Test
    void anInterruptedDownloadResumesWithRange() {
        Descriptor big = parsed.layers().getFirst();
        fake.cutOnce.put(big.digest(), 150_000);
        List<String> events = Collections.synchronizedList(new ArrayList<>());
        try (RegistryClient client = client(CredentialStore.none())) {
            PullResult result = client.pull(target, ref, (layer, status, detail) -> events.add(status + " " + detail));
            assertThat(result.manifest().digest()).isEqualTo(manifest.digest());
        }
        assertThat(fake.rangeRequests.get()).isEqualTo(1);
        assertThat(events).anyMatch(e -> e.startsWith("RETRYING retrying from byte 150000"));
        assertThat(target.content().read(big.digest())).isEqualTo(source.content().read(big.digest()));
        assertThat(new StoreCheck(target).run(false).consistent()).isTrue();
    }

    @Test
    void basicAuthUsesCredentialsFromDockerConfig() throws Exception {
        fake.auth = FakeRegistry.Auth.BASIC;
        Path config = work.resolve("docker/config.json");
        Files.createDirectories(config.getParent());
        Files.writeString(config, "{\"auths\":{\"" + fake.domain() + "\":{\"auth\":\""
                + Base64.getEncoder().encodeToString("alice:s3cret".getBytes(StandardCharsets.UTF_8)) + "\"}}}");
        try (RegistryClient client = client(CredentialStore.dockerConfig(config))) {
            assertThat(client.pull(target, ref, null).manifest().digest()).isEqualTo(manifest.digest());
        }
        try (RegistryClient client = client(CredentialStore.none())) {
            assertThatThrownBy(() -> client.pull(ImageStore.open(work.resolve("third")), ref, null))
                    .isInstanceOf(RegistryException.class).hasMessageContaining("unauthorized");
        }
        try (RegistryClient client = client(CredentialStore.of(Map.of(fake.domain(), new Credentials("alice", "wrong"))))) {
            assertThatThrownBy(() -> client.pull(ImageStore.open(work.resolve("fourth")), ref, null))
                    .isInstanceOf(RegistryException.class).hasMessageContaining("refused the credentials");
        }
    }

    @Test
    void bearerTokenFlowFetchesOneTokenPerScopeAndReusesIt() {
        fake.auth = FakeRegistry.Auth.BEARER;
        try (RegistryClient client = client(CredentialStore.of(Map.of(fake.domain(), new Credentials("alice", "s3cret"))))) {
            PullResult result = client.pull(target, ref, null);
            assertThat(result.downloaded()).isEqualTo(3);
            assertThat(fake.tokenRequests.get()).isEqualTo(1);
            client.pull(ImageStore.open(work.resolve("again")), ref, null);
            assertThat(fake.tokenRequests.get()).isEqualTo(1);
        }
        try (RegistryClient client = client(CredentialStore.of(Map.of(fake.domain(), new Credentials("alice", "wrong"))))) {
            assertThatThrownBy(() -> client.pull(ImageStore.open(work.resolve("third")), ref, null))
                    .isInstanceOf(RegistryException.class).hasMessageContaining("token service").hasMessageContaining("refused");
        }
        assertThat(new StoreCheck(target).run(false).consistent()).isTrue();
    }

    @Test
    void challengesParse() {
        var challenges = AuthChallenge.parse("Bearer realm=\"https://auth.docker.io/token\",service=\"registry.docker.io\","
                + "scope=\"repository:library/busybox:pull,push\", Basic realm=\"x\"");
        assertThat(challenges).hasSize(2);
        assertThat(challenges.getFirst().scheme()).isEqualTo("bearer");
        assertThat(challenges.getFirst().param("scope")).isEqualTo("repository:library/busybox:pull,push");
        assertThat(challenges.getFirst().param("service")).isEqualTo("registry.docker.io");
        assertThat(challenges.get(1).scheme()).isEqualTo("basic");
        assertThat(Transport.isLoopback("127.0.0.1:5000")).isTrue();
        assertThat(Transport.isLoopback("[::1]:5000")).isTrue();
        assertThat(Transport.isLoopback("localhost")).isTrue();
        assertThat(Transport.isLoopback("127.example.com")).isFalse();
        assertThat(Transport.isLoopback("registry.example.com:5000")).isFalse();
        assertThat(Transport.apiHost("docker.io")).isEqualTo("registry-1.docker.io");
        try (RegistryClient client = client(CredentialStore.none())) {
            assertThat(client.apiBase("docker.io").toString()).isEqualTo("https://registry-1.docker.io/v2/");
            assertThat(client.apiBase("127.0.0.1:5000").toString()).isEqualTo("http://127.0.0.1:5000/v2/");
        }
        try (RegistryClient client = new RegistryClient(ClientOptions.defaults().withInsecureHosts(java.util.Set.of("reg.lan:5000")))) {
            assertThat(client.apiBase("reg.lan:5000").getScheme()).isEqualTo("http");
            assertThat(client.apiBase("other.lan").getScheme()).isEqualTo("https");
        }
    }
}
