package dev.berth.registry.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import at.favre.lib.crypto.bcrypt.BCrypt;
import dev.berth.oci.digest.Digest;
import dev.berth.oci.json.Json;
import dev.berth.registry.RegistryException;
import dev.berth.registry.auth.BasicCredentials;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

/** htpasswd authentication: distribution's 401 challenge, Basic credentials, anonymous pull. */
class RegistryAuthTest {
    static final String CHALLENGE = "Basic realm=\"Berth Registry\"";

    @TempDir
    Path tmp;

    /** An htpasswd file with bcrypt hashes of cost 4 (fast), as {@code htpasswd -B} writes them ($2y$). */
    static Path htpasswd(Path dir, String... usersAndPasswords) throws Exception {
        StringBuilder text = new StringBuilder("# made by the test\n");
        for (int i = 0; i < usersAndPasswords.length; i += 2) {
            String hash = BCrypt.with(BCrypt.Version.VERSION_2Y).hashToString(4, usersAndPasswords[i + 1].toCharArray());
            text.append(usersAndPasswords[i]).append(':').append(hash).append('\n');
        }
        Files.createDirectories(dir);
        return Files.writeString(dir.resolve("htpasswd"), text.toString());
    }

    private TestRegistry start(boolean anonymousPull) throws Exception {
        Path file = htpasswd(tmp, "alice", "wonderland", "bob", "builder");
        var config = new RegistryServer.Config(tmp.resolve("registry"), "127.0.0.1", 0, false).withHtpasswd(file, anonymousPull);
        return new TestRegistry(config, HttpClient.newBuilder());
    }

    private static String basic(String user, String password) {
        return new BasicCredentials(user, password).header();
    }

    private static void assertUnauthorized(HttpResponse<byte[]> response) {
        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.headers().firstValue("WWW-Authenticate")).hasValue(CHALLENGE);
        if (!response.request().method().equals("HEAD")) {
            JsonNode error = Json.tree(response.body(), "error").get("errors").get(0);
            assertThat(error.get("code").stringValue()).isEqualTo("UNAUTHORIZED");
            assertThat(error.get("message").stringValue()).isEqualTo("authentication required");
        }
    }

    @Test
    void everyRequestWithoutCredentialsIsChallenged() throws Exception {
        try (TestRegistry registry = start(false)) {
            assertUnauthorized(registry.get("/v2/"));
            assertUnauthorized(registry.get("/v2/_catalog"));
            assertUnauthorized(registry.get("/v2/lib/x/tags/list"));
            assertUnauthorized(registry.send("HEAD", "/v2/lib/x/manifests/latest", (byte[]) null));
            assertUnauthorized(registry.send("POST", "/v2/lib/x/blobs/uploads/", (byte[]) null));
            assertUnauthorized(registry.get("/elsewhere"));
            assertThat(Files.exists(tmp.resolve("registry/uploads"))
                    && Files.list(tmp.resolve("registry/uploads")).findAny().isPresent()).isFalse();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"alice:wrong", "mallory:wonderland", "alice:", "bob:wonderland", "ALICE:wonderland"})
    void wrongCredentialsAreUnauthorized(String credentials) throws Exception {
        String[] parts = credentials.split(":", 2);
        try (TestRegistry registry = start(false)) {
            assertUnauthorized(registry.get("/v2/", "Authorization", basic(parts[0], parts[1])));
            assertUnauthorized(registry.send("POST", "/v2/lib/x/blobs/uploads/", (byte[]) null,
                    "Authorization", basic(parts[0], parts[1])));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"Bearer abc", "Basic !!!notbase64", "Basic " + "bm9jb2xvbg==", "Basic", ""})
    void malformedAuthorizationIsUnauthorized(String header) throws Exception {
        try (TestRegistry registry = start(false)) {
            assertUnauthorized(registry.get("/v2/", "Authorization", header));
        }
    }

    @Test
    void rightCredentialsPushAndPull() throws Exception {
        try (TestRegistry registry = start(false)) {
            String alice = basic("alice", "wonderland");
            var base = registry.get("/v2/", "Authorization", alice);
            assertThat(base.statusCode()).isEqualTo(200);
            assertThat(new String(base.body(), StandardCharsets.UTF_8)).isEqualTo("{}");
            assertThat(base.headers().firstValue("WWW-Authenticate")).isEmpty();

            byte[] content = "secret layer".getBytes(StandardCharsets.UTF_8);
            Digest digest = Digest.sha256(content);
            var push = registry.send("POST", "/v2/lib/x/blobs/uploads/?digest=" + digest, content, "Authorization", alice);
            assertThat(push.statusCode()).isEqualTo(201);
            // the second request of the same header comes from the cache, and another user still verifies on its own
            var pull = registry.get("/v2/lib/x/blobs/" + digest, "Authorization", alice);
            assertThat(pull.statusCode()).isEqualTo(200);
            assertThat(pull.body()).isEqualTo(content);
            assertThat(registry.get("/v2/lib/x/blobs/" + digest, "Authorization", basic("bob", "builder")).statusCode())
                    .isEqualTo(200);
            assertUnauthorized(registry.get("/v2/lib/x/blobs/" + digest));
            // the scheme is case-insensitive (RFC 7235)
            assertThat(registry.get("/v2/", "Authorization", alice.replace("Basic", "basic")).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void anonymousPullAllowsReadsButNotWrites() throws Exception {
        try (TestRegistry registry = start(true)) {
            String alice = basic("alice", "wonderland");
            byte[] content = "public layer".getBytes(StandardCharsets.UTF_8);
            Digest digest = Digest.sha256(content);
            assertThat(registry.send("POST", "/v2/pub/x/blobs/uploads/?digest=" + digest, content, "Authorization", alice)
                    .statusCode()).isEqualTo(201);
            byte[] manifest = Manifests.image(digest, content.length, digest, content.length);
            assertThat(registry.send("PUT", "/v2/pub/x/manifests/1", manifest,
                    "Content-Type", "application/vnd.oci.image.manifest.v1+json", "Authorization", alice).statusCode())
                    .isEqualTo(201);

            // the probe still challenges, or clients with credentials would never send them (see RegistryHandler)
            assertUnauthorized(registry.get("/v2/"));
            assertThat(registry.get("/v2/", "Authorization", alice).statusCode()).isEqualTo(200);
            assertThat(registry.get("/v2/pub/x/blobs/" + digest).body()).isEqualTo(content);
            // containers/image without credentials answers a Basic challenge with an empty user and password
            assertThat(registry.get("/v2/pub/x/blobs/" + digest, "Authorization", basic("", "")).statusCode()).isEqualTo(200);
            assertThat(registry.send("HEAD", "/v2/pub/x/blobs/" + digest, (byte[]) null).statusCode()).isEqualTo(200);
            assertThat(registry.get("/v2/pub/x/manifests/1").statusCode()).isEqualTo(200);
            assertThat(registry.get("/v2/pub/x/tags/list").statusCode()).isEqualTo(200);
            assertThat(registry.get("/v2/_catalog").statusCode()).isEqualTo(200);
            assertThat(registry.get("/v2/pub/x/referrers/" + Digest.sha256(manifest)).statusCode()).isEqualTo(200);

            assertUnauthorized(registry.send("POST", "/v2/pub/x/blobs/uploads/", (byte[]) null));
            assertUnauthorized(registry.send("POST", "/v2/pub/x/blobs/uploads/?digest=" + digest, content));
            assertUnauthorized(registry.send("PUT", "/v2/pub/x/manifests/2", manifest,
                    "Content-Type", "application/vnd.oci.image.manifest.v1+json"));
            assertUnauthorized(registry.send("DELETE", "/v2/pub/x/manifests/1", (byte[]) null));
            // an upload session's status is part of a push
            var start = registry.send("POST", "/v2/pub/x/blobs/uploads/", (byte[]) null, "Authorization", alice);
            assertThat(start.statusCode()).isEqualTo(202);
            assertUnauthorized(registry.get(start.headers().firstValue("Location").orElseThrow()));
            // credentials, when given, must be right even for a pull
            assertUnauthorized(registry.get("/v2/pub/x/blobs/" + digest, "Authorization", basic("alice", "nope")));
        }
    }

    @Test
    void aNonBcryptLineIsRefusedAtStart() throws Exception {
        Path file = Files.writeString(tmp.resolve("htpasswd"),
                "alice:" + BCrypt.withDefaults().hashToString(4, "pw".toCharArray()) + "\n"
                        + "bob:$apr1$r31.....$HqJZimcKQFAMYayBlzkrA/\n");
        var config = new RegistryServer.Config(tmp.resolve("registry"), "127.0.0.1", 0, false).withHtpasswd(file, false);
        assertThatThrownBy(() -> RegistryServer.start(config)).isInstanceOf(RegistryException.class)
                .hasMessageContaining(file.toString()).hasMessageContaining("line 2").hasMessageContaining("'bob'")
                .hasMessageContaining("$apr1$").hasMessageNotContaining("HqJZimcKQFAMYayBlzkrA");
    }

    @Test
    void aMissingHtpasswdFileIsRefusedAtStart() {
        var config = new RegistryServer.Config(tmp.resolve("registry"), "127.0.0.1", 0, false)
                .withHtpasswd(tmp.resolve("nope"), false);
        assertThatThrownBy(() -> RegistryServer.start(config)).isInstanceOf(RegistryException.class)
                .hasMessageContaining("does not exist");
    }

    @Test
    void anonymousPullWithoutHtpasswdIsAConfigurationError() {
        assertThatThrownBy(() -> new RegistryServer.Config(tmp, "127.0.0.1", 0, false, null, true, null, null))
                .isInstanceOf(RegistryException.class).hasMessageContaining("htpasswd");
    }
}
