package dev.berth.registry.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.oci.image.Descriptor;
import dev.berth.oci.store.ImageStore;
import dev.berth.registry.RegistryException;
import dev.berth.registry.server.RegistryServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Docker's {@code identitytoken} used as an OAuth2 refresh token: pulls through a token server and Bearer gateway on
 * 127.0.0.1 in front of Berth's registry, the credentials read from a real config.json.
 */
class IdentityTokenTest {
    @TempDir
    Path work;

    RegistryServer registry;
    TokenGateway gateway;
    ImageStore source;
    Descriptor manifest;
    String ref;

    @BeforeEach
    void start() throws Exception {
        registry = RegistryServer.start(new RegistryServer.Config(work.resolve("registry"), "127.0.0.1", 0, false));
        gateway = new TokenGateway(registry.baseUri());
        source = ImageStore.open(work.resolve("source"));
        String direct = registry.baseUri().getAuthority() + "/team/secret:1";
        manifest = TestImages.image(source, direct, List.of(TestImages.random(50_000, 5)));
        try (RegistryClient client = PullPushTest.client()) {
            client.push(source, direct, null);
        }
        ref = gateway.domain() + "/team/secret:1";
    }

    @AfterEach
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
        if (registry != null) {
            registry.close();
        }
    }

    private RegistryClient clientWithConfig(String entry) throws Exception {
        Path config = work.resolve("docker/config.json");
        Files.createDirectories(config.getParent());
        Files.writeString(config, "{\"auths\":{\"" + gateway.domain() + "\":" + entry + "}}");
        return new RegistryClient(ClientOptions.defaults().withCredentials(CredentialStore.dockerConfig(config)));
    }

    private static String auth(String user, String password) {
        return Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void theIdentityTokenIsTradedForAnAccessTokenByOAuth2Post() throws Exception {
        try (RegistryClient client = clientWithConfig("{\"auth\":\"" + auth("<token>", "") + "\",\"identitytoken\":\""
                + gateway.refreshToken + "\"}")) {
            PullResult pulled = client.pull(ImageStore.open(work.resolve("target")), ref, null);
            assertThat(pulled.digest()).isEqualTo(manifest.digest());
        }
        assertThat(gateway.tokenRequests).isNotEmpty().allSatisfy(r -> assertThat(r).containsAllEntriesOf(Map.of(
                "method", "POST", "grant_type", "refresh_token", "refresh_token", gateway.refreshToken,
                "service", TokenGateway.SERVICE, "client_id", Transport.OAUTH_CLIENT_ID,
                "scope", "repository:team/secret:pull")));
        assertThat(gateway.tokenRequests).as("one token serves the whole pull").hasSize(1);
    }

    @Test
    void anIdentityTokenAloneIsEnough() throws Exception {
        try (RegistryClient client = clientWithConfig("{\"identitytoken\":\"" + gateway.refreshToken + "\"}")) {
            assertThat(client.pull(ImageStore.open(work.resolve("target")), ref, null).digest()).isEqualTo(manifest.digest());
        }
        assertThat(gateway.tokenRequests).extracting(r -> r.get("method")).containsOnly("POST");
    }

    @Test
    void aRevokedIdentityTokenIsAClearError() throws Exception {
        ImageStore target = ImageStore.open(work.resolve("target"));
        try (RegistryClient client = clientWithConfig("{\"identitytoken\":\"revoked-token\"}")) {
            assertThatThrownBy(() -> client.pull(target, ref, null)).isInstanceOf(RegistryException.class)
                    .hasMessage("unauthorized: the token service of " + gateway.domain() + " refused the identity token"
                            + " in the Docker config (log in again) to pull access to team/secret (HTTP 400)");
        }
        assertThat(target.images()).isEmpty();
    }

    @Test
    void aTokenServerWithoutOAuth2GetsTheGetFlowWithThePassword() throws Exception {
        gateway.oauth = false;
        try (RegistryClient client = clientWithConfig("{\"auth\":\"" + auth(gateway.user, gateway.password)
                + "\",\"identitytoken\":\"" + gateway.refreshToken + "\"}")) {
            assertThat(client.pull(ImageStore.open(work.resolve("target")), ref, null).digest()).isEqualTo(manifest.digest());
        }
        assertThat(gateway.tokenRequests).extracting(r -> r.get("method")).containsExactly("POST", "GET");
    }
}
