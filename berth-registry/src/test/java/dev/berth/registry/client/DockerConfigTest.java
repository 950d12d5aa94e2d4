package dev.berth.registry.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import at.favre.lib.crypto.bcrypt.BCrypt;
import dev.berth.oci.json.Json;
import dev.berth.registry.RegistryException;
import dev.berth.registry.server.RegistryServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** Docker's config.json: auths in the file, credential helpers by Docker's protocol, and login verification. */
class DockerConfigTest {
    @TempDir
    Path tmp;

    /** A credential helper that keeps one file per server URL in its own directory and logs each action. */
    static Path fakeHelper(Path dir, String name) throws Exception {
        Files.createDirectories(dir.resolve("data"));
        String script = """
                #!/bin/sh
                d="$(dirname "$0")/data"
                echo "$1" >> "$d/log"
                case "$1" in
                  store)
                    json=$(cat)
                    url=$(printf '%s' "$json" | sed 's/.*"ServerURL":"\\([^"]*\\)".*/\\1/')
                    printf '%s' "$json" > "$d/$(printf '%s' "$url" | tr -c 'A-Za-z0-9' _)"
                    ;;
                  get)
                    read -r url
                    f="$d/$(printf '%s' "$url" | tr -c 'A-Za-z0-9' _)"
                    if [ -f "$f" ]; then cat "$f"; else echo "credentials not found in native keychain"; exit 1; fi
                    ;;
                  erase)
                    read -r url
                    f="$d/$(printf '%s' "$url" | tr -c 'A-Za-z0-9' _)"
                    if [ -f "$f" ]; then rm "$f"; else echo "credentials not found in native keychain"; exit 1; fi
                    ;;
                  *) echo "unknown action $1" >&2; exit 2 ;;
                esac
                """;
        Path program = dir.resolve("docker-credential-" + name);
        Files.writeString(program, script);
        Files.setPosixFilePermissions(program, PosixFilePermissions.fromString("rwx------"));
        return program;
    }

    static Path htpasswd(Path dir, String user, String password) throws Exception {
        String hash = BCrypt.with(BCrypt.Version.VERSION_2Y).hashToString(4, password.toCharArray());
        Files.createDirectories(dir);
        return Files.writeString(dir.resolve("htpasswd"), user + ":" + hash + "\n");
    }

    private JsonNode json(Path file) throws Exception {
        return Json.tree(Files.readAllBytes(file), "test");
    }

    @Test
    void storeWritesBase64AuthAtomicallyAndKeepsOtherKeys() throws Exception {
        Path dir = tmp.resolve("home/.docker");
        DockerConfig config = DockerConfig.inDirectory(dir);
        assertThat(config.get("127.0.0.1:5000")).isEmpty();
        assertThat(config.erase("127.0.0.1:5000")).isFalse();

        config.store("127.0.0.1:5000", new Credentials("alice", "won:der"));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir))).isEqualTo("rwx------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(config.file()))).isEqualTo("rw-------");
        assertThat(json(config.file()).path("auths").path("127.0.0.1:5000").path("auth").asString())
                .isEqualTo(Base64.getEncoder().encodeToString("alice:won:der".getBytes(StandardCharsets.UTF_8)));
        assertThat(config.get("127.0.0.1:5000")).contains(new Credentials("alice", "won:der"));
        assertThat(config.store().lookup("127.0.0.1:5000")).contains(new Credentials("alice", "won:der"));
        assertThat(CredentialStore.dockerConfig(config.file()).lookup("127.0.0.1:5000")).isPresent();

        Files.writeString(config.file(), """
                {"auths": {"https://127.0.0.1:5000/": {"auth": "%s", "email": "a@b"}, "other:1": {"auth": "eDp5"}},
                 "HttpHeaders": {"User-Agent": "x"}, "psFormat": "table {{.ID}}", "proxies": {"default": {"httpProxy": "p"}}}
                """.formatted(Base64.getEncoder().encodeToString("old:pw".getBytes(StandardCharsets.UTF_8))));
        assertThat(config.get("127.0.0.1:5000")).contains(new Credentials("old", "pw"));
        config.store("127.0.0.1:5000", new Credentials("bob", "builder"));
        JsonNode root = json(config.file());
        assertThat(root.path("auths").has("https://127.0.0.1:5000/")).isFalse();
        assertThat(root.path("auths").path("127.0.0.1:5000").path("auth").asString()).isEqualTo("Ym9iOmJ1aWxkZXI=");
        assertThat(root.path("auths").path("other:1").path("auth").asString()).isEqualTo("eDp5");
        assertThat(root.path("HttpHeaders").path("User-Agent").asString()).isEqualTo("x");
        assertThat(root.path("psFormat").asString()).isEqualTo("table {{.ID}}");
        assertThat(root.path("proxies").path("default").path("httpProxy").asString()).isEqualTo("p");
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("config.json");
        }

        assertThat(config.erase("127.0.0.1:5000")).isTrue();
        root = json(config.file());
        assertThat(root.path("auths").has("127.0.0.1:5000")).isFalse();
        assertThat(root.path("auths").has("other:1")).isTrue();
        assertThat(root.path("psFormat").asString()).isEqualTo("table {{.ID}}");
        assertThat(config.erase("127.0.0.1:5000")).isFalse();
    }

    @Test
    void dockerHubIsStoredUnderItsV1Url() throws Exception {
        DockerConfig config = DockerConfig.inDirectory(tmp);
        assertThat(DockerConfig.domainOf(null)).isEqualTo("docker.io");
        assertThat(DockerConfig.domainOf("https://index.docker.io/v1/")).isEqualTo("docker.io");
        assertThat(DockerConfig.domainOf("https://Reg.Example:5000/v2/")).isEqualTo("reg.example:5000");
        config.store("docker.io", new Credentials("u", "p"));
        assertThat(json(config.file()).path("auths").has("https://index.docker.io/v1/")).isTrue();
        assertThat(config.get("docker.io")).contains(new Credentials("u", "p"));
    }

    @Test
    void helperStoreGetEraseRoundTrip() throws Exception {
        Path helpers = tmp.resolve("helpers");
        fakeHelper(helpers, "test");
        Path dir = tmp.resolve("docker");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("config.json"), "{\"credHelpers\": {\"127.0.0.1:5000\": \"test\"}, \"detachKeys\": \"ctrl-e\"}");
        DockerConfig config = new DockerConfig(dir.resolve("config.json"), helpers);

        assertThat(config.helperFor("127.0.0.1:5000")).contains(new CredentialHelper("test", helpers));
        assertThat(config.helperFor("elsewhere:1")).isEmpty();
        assertThat(config.get("127.0.0.1:5000")).isEmpty();
        config.store("127.0.0.1:5000", new Credentials("alice", "s3 cret\"x"));
        Path stored = helpers.resolve("data/127_0_0_1_5000");
        assertThat(json(stored).path("ServerURL").asString()).isEqualTo("127.0.0.1:5000");
        assertThat(json(stored).path("Username").asString()).isEqualTo("alice");
        JsonNode root = json(config.file());
        assertThat(root.path("auths").path("127.0.0.1:5000").isObject()).isTrue();
        assertThat(root.path("auths").path("127.0.0.1:5000").has("auth")).isFalse();
        assertThat(root.path("detachKeys").asString()).isEqualTo("ctrl-e");
        assertThat(config.get("127.0.0.1:5000")).contains(new Credentials("alice", "s3 cret\"x"));

        assertThat(config.erase("127.0.0.1:5000")).isTrue();
        assertThat(stored).doesNotExist();
        assertThat(config.get("127.0.0.1:5000")).isEmpty();
        assertThat(json(config.file()).path("auths").has("127.0.0.1:5000")).isFalse();
        assertThat(Files.readAllLines(helpers.resolve("data/log"))).contains("store", "get", "erase");
    }

    @Test
    void credsStoreServesEveryRegistryAndDockerHubByItsUrl() throws Exception {
        Path helpers = tmp.resolve("helpers");
        fakeHelper(helpers, "test");
        Files.writeString(tmp.resolve("config.json"), "{\"credsStore\": \"test\"}");
        DockerConfig config = new DockerConfig(tmp.resolve("config.json"), helpers);
        config.store("docker.io", new Credentials("hub", "pw"));
        assertThat(helpers.resolve("data/https___index_docker_io_v1_")).exists();
        assertThat(config.get("index.docker.io")).contains(new Credentials("hub", "pw"));
    }

    @Test
    void aMissingOrFailingHelperIsAnErrorNamingIt() throws Exception {
        Files.writeString(tmp.resolve("config.json"), "{\"credHelpers\": {\"r:1\": \"berth-no-such-helper\"}, \"credsStore\": \"broken\"}");
        Path helpers = tmp.resolve("helpers");
        Files.createDirectories(helpers);
        Path broken = Files.writeString(helpers.resolve("docker-credential-broken"), "#!/bin/sh\necho 'keychain locked' >&2\nexit 3\n");
        Files.setPosixFilePermissions(broken, PosixFilePermissions.fromString("rwx------"));
        DockerConfig config = new DockerConfig(tmp.resolve("config.json"), helpers);

        assertThatThrownBy(() -> config.store().lookup("r:1")).isInstanceOf(RegistryException.class)
                .hasMessageContaining("docker-credential-berth-no-such-helper").hasMessageContaining("cannot be run");
        assertThatThrownBy(() -> config.get("other:2")).isInstanceOf(RegistryException.class)
                .hasMessageContaining("docker-credential-broken").hasMessageContaining("exit 3")
                .hasMessageContaining("keychain locked");
        assertThatThrownBy(() -> config.store("other:2", new Credentials("a", "b"))).isInstanceOf(RegistryException.class)
                .hasMessageContaining("docker-credential-broken");
    }

    @Test
    void loginChecksCredentialsAgainstAnHtpasswdRegistry() throws Exception {
        Path file = htpasswd(tmp, "alice", "wonderland");
        var serverConfig = new RegistryServer.Config(tmp.resolve("registry"), "127.0.0.1", 0, false).withHtpasswd(file, false);
        try (RegistryServer server = RegistryServer.start(serverConfig)) {
            String domain = server.baseUri().getAuthority();
            RegistryLogin.verify(ClientOptions.defaults(), domain, new Credentials("alice", "wonderland"));
            assertThatThrownBy(() -> RegistryLogin.verify(ClientOptions.defaults(), domain, new Credentials("alice", "nope")))
                    .isInstanceOf(RegistryException.class)
                    .hasMessage("login to " + domain + " failed: unauthorized: incorrect username or password");
        }
    }

    @Test
    void loginThroughABearerTokenService() throws Exception {
        // the fake token service wants a repository scope; a registry whose token service accepts any scope is the norm,
        // so check only that a refused token request reads as wrong credentials
        try (FakeRegistry registry = new FakeRegistry()) {
            registry.auth = FakeRegistry.Auth.BEARER;
            assertThatThrownBy(() -> RegistryLogin.verify(ClientOptions.defaults(), registry.domain(), new Credentials("alice", "bad")))
                    .hasMessage("login to " + registry.domain() + " failed: unauthorized: incorrect username or password");
            assertThat(registry.tokenRequests.get()).isEqualTo(1);
        }
    }

    @Test
    void loginThroughATokenServiceThatAcceptsAnyScope() throws Exception {
        var server = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress(java.net.InetAddress.getByName("127.0.0.1"), 0), 0);
        String domain = "127.0.0.1:" + server.getAddress().getPort();
        String good = new Credentials("alice", "s3cret").basicHeader();
        java.util.List<String> queries = new java.util.concurrent.CopyOnWriteArrayList<>();
        server.createContext("/token", ex -> {
            try (ex) {
                queries.add(ex.getRequestURI().getRawQuery());
                boolean ok = good.equals(ex.getRequestHeaders().getFirst("Authorization"));
                byte[] body = (ok ? "{\"token\":\"t0k\"}" : "{}").getBytes(StandardCharsets.UTF_8);
                ex.sendResponseHeaders(ok ? 200 : 401, body.length);
                ex.getResponseBody().write(body);
            }
        });
        server.createContext("/v2/", ex -> {
            try (ex) {
                if ("Bearer t0k".equals(ex.getRequestHeaders().getFirst("Authorization"))) {
                    ex.sendResponseHeaders(200, 2);
                    ex.getResponseBody().write("{}".getBytes(StandardCharsets.UTF_8));
                } else {
                    ex.getResponseHeaders().add("WWW-Authenticate", "Bearer realm=\"http://" + domain + "/token\",service=\"reg\"");
                    ex.sendResponseHeaders(401, -1);
                }
            }
        });
        server.start();
        try {
            RegistryLogin.verify(ClientOptions.defaults(), domain, new Credentials("alice", "s3cret"));
            assertThat(queries).hasSize(1);
            assertThat(queries.getFirst()).startsWith("service=reg");
            assertThatThrownBy(() -> RegistryLogin.verify(ClientOptions.defaults(), domain, new Credentials("alice", "no")))
                    .hasMessage("login to " + domain + " failed: unauthorized: incorrect username or password");
        } finally {
            server.stop(0);
        }
    }

    @Test
    void unreachableRegistryNamesIt() throws Exception {
        int port;
        try (var socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            port = socket.getLocalPort();
        }
        String domain = "127.0.0.1:" + port;
        assertThatThrownBy(() -> RegistryLogin.verify(ClientOptions.defaults(), domain, new Credentials("a", "b")))
                .hasMessageStartingWith("login to " + domain + " failed: cannot reach " + domain);
    }

    @Test
    void identityTokensAreReadAndANewPasswordLoginReplacesThem() throws Exception {
        Path dir = tmp.resolve("tok/.docker");
        Files.createDirectories(dir);
        String tokenAuth = Base64.getEncoder().encodeToString("<token>:".getBytes(StandardCharsets.UTF_8));
        Files.writeString(dir.resolve("config.json"), "{\"auths\":{"
                + "\"a.example\":{\"auth\":\"" + tokenAuth + "\",\"identitytoken\":\"refresh-a\"},"
                + "\"b.example\":{\"identitytoken\":\"refresh-b\"},"
                + "\"c.example\":{\"auth\":\"" + Base64.getEncoder().encodeToString("u:p".getBytes(StandardCharsets.UTF_8))
                + "\"}}}");
        DockerConfig config = DockerConfig.inDirectory(dir);
        assertThat(config.get("a.example")).contains(new Credentials("<token>", "", "refresh-a"));
        assertThat(config.get("b.example")).contains(Credentials.identityToken("refresh-b"));
        assertThat(config.get("c.example").orElseThrow().hasIdentityToken()).isFalse();
        assertThat(Credentials.identityToken("secret-token").toString()).doesNotContain("secret-token");

        config.store("a.example", new Credentials("alice", "pw"));
        assertThat(config.get("a.example")).contains(new Credentials("alice", "pw"));
        assertThat(json(dir.resolve("config.json")).path("auths").path("a.example").has("identitytoken")).isFalse();
    }
}
