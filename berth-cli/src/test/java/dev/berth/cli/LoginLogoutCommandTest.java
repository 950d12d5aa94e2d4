package dev.berth.cli;

import static org.assertj.core.api.Assertions.assertThat;

import at.favre.lib.crypto.bcrypt.BCrypt;
import dev.berth.oci.image.Descriptor;
import dev.berth.oci.json.Json;
import dev.berth.oci.store.ImageStore;
import dev.berth.registry.client.DockerConfig;
import dev.berth.registry.server.RegistryServer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * berth login and logout against a Berth registry with htpasswd authentication on 127.0.0.1; the Docker config goes
 * to a temporary directory (the system property {@link DockerConfig#CONFIG_PROPERTY} in process, $DOCKER_CONFIG in a
 * subprocess).
 */
class LoginLogoutCommandTest {
    @TempDir
    Path work;

    RegistryServer server;
    String domain;
    Path dockerConfig;

    record Run(int exit, String out, String err) {
    }

    @BeforeEach
    void start() throws Exception {
        String hash = BCrypt.with(BCrypt.Version.VERSION_2Y).hashToString(4, "wonderland".toCharArray());
        Path htpasswd = Files.writeString(work.resolve("htpasswd"), "alice:" + hash + "\n");
        server = RegistryServer.start(new RegistryServer.Config(work.resolve("registry"), "127.0.0.1", 0, false)
                .withHtpasswd(htpasswd, false));
        domain = server.baseUri().getAuthority();
        dockerConfig = work.resolve("docker-config");
        System.setProperty(DockerConfig.CONFIG_PROPERTY, dockerConfig.toString());
    }

    @AfterEach
    void stop() {
        System.clearProperty(DockerConfig.CONFIG_PROPERTY);
        System.clearProperty(DockerConfig.HELPERS_PROPERTY);
        server.close();
    }

    Run berth(Path root, String... args) {
        return berthWithStdin(root, null, args);
    }

    Run berthWithStdin(Path root, String stdin, String... args) {
        List<String> full = new ArrayList<>(List.of("--root", root.toString()));
        full.addAll(List.of(args));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        var cl = BerthCommand.commandLine(full.toArray(String[]::new));
        cl.setOut(new java.io.PrintWriter(out, true, StandardCharsets.UTF_8));
        cl.setErr(new java.io.PrintWriter(err, true, StandardCharsets.UTF_8));
        InputStream oldIn = System.in;
        if (stdin != null) {
            System.setIn(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
        }
        int exit;
        try {
            exit = cl.execute(full.toArray(String[]::new));
        } finally {
            System.setIn(oldIn);
        }
        return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    JsonNode config() throws Exception {
        return Json.tree(Files.readAllBytes(dockerConfig.resolve("config.json")), "config");
    }

    @Test
    void loginStoresCredentialsThatPushAndPullUse() throws Exception {
        Path a = work.resolve("a");
        String name = domain + "/team/hello:1.0";
        Descriptor manifest = TestImages.small(ImageStore.open(a), name);

        Run anonymous = berth(a, "push", name);
        assertThat(anonymous.exit()).isEqualTo(1);
        assertThat(anonymous.err()).startsWith("Error: unauthorized");

        Run login = berth(a, "login", "-u", "alice", "-p", "wonderland", domain);
        assertThat(login.exit()).as(login.err()).isZero();
        assertThat(login.out()).isEqualTo("Login Succeeded\n");
        assertThat(login.err()).isEqualTo("WARNING! Using --password via the CLI is insecure. Use --password-stdin.\n");
        assertThat(config().path("auths").path(domain).path("auth").asString())
                .isEqualTo(Base64.getEncoder().encodeToString("alice:wonderland".getBytes(StandardCharsets.UTF_8)));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dockerConfig))).isEqualTo("rwx------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dockerConfig.resolve("config.json"))))
                .isEqualTo("rw-------");

        Run push = berth(a, "push", name);
        assertThat(push.exit()).as(push.err()).isZero();
        assertThat(push.out()).contains("digest: " + manifest.digest());
        Run pull = berth(work.resolve("b"), "pull", name);
        assertThat(pull.exit()).as(pull.err()).isZero();
        assertThat(pull.out()).contains("Digest: " + manifest.digest());

        // with stored credentials and nothing given, login checks those (no terminal needed)
        Run again = berth(a, "login", domain);
        assertThat(again.exit()).as(again.err()).isZero();
        assertThat(again.out()).contains("Authenticating with existing credentials... [Username: alice]", "Login Succeeded");
    }

    @Test
    void wrongPasswordFailsAndStoresNothing() throws Exception {
        Run wrong = berth(work.resolve("r"), "login", "-u", "alice", "-p", "nope", domain);
        assertThat(wrong.exit()).isEqualTo(1);
        assertThat(wrong.err()).endsWith("Error: login to " + domain + " failed: unauthorized: incorrect username or password\n");
        assertThat(wrong.out()).isEmpty();
        assertThat(dockerConfig.resolve("config.json")).doesNotExist();

        Run unknownUser = berthWithStdin(work.resolve("r"), "wonderland\n", "login", "-u", "mallory", "--password-stdin", domain);
        assertThat(unknownUser.exit()).isEqualTo(1);
        assertThat(unknownUser.err()).isEqualTo("Error: login to " + domain + " failed: unauthorized: incorrect username or password\n");
        assertThat(dockerConfig.resolve("config.json")).doesNotExist();
    }

    @Test
    void passwordStdinAndItsRules() throws Exception {
        Run both = berthWithStdin(work.resolve("r"), "wonderland", "login", "-u", "alice", "-p", "x", "--password-stdin", domain);
        assertThat(both.exit()).isEqualTo(1);
        assertThat(both.err()).contains("Error: --password and --password-stdin are mutually exclusive");

        Run noUser = berthWithStdin(work.resolve("r"), "wonderland", "login", "--password-stdin", domain);
        assertThat(noUser.exit()).isEqualTo(1);
        assertThat(noUser.err()).isEqualTo("Error: Must provide --username with --password-stdin\n");

        Run noTty = berth(work.resolve("r"), "login", domain);
        assertThat(noTty.exit()).isEqualTo(1);
        assertThat(noTty.err()).isEqualTo("Error: Cannot perform an interactive login from a non TTY device\n");

        Run ok = berthWithStdin(work.resolve("r"), "wonderland\r\n", "login", "--username", "alice", "--password-stdin", domain);
        assertThat(ok.exit()).as(ok.err()).isZero();
        assertThat(ok.out()).isEqualTo("Login Succeeded\n");
        assertThat(ok.err()).isEmpty();
        assertThat(config().path("auths").path(domain).path("auth").asString()).isEqualTo("YWxpY2U6d29uZGVybGFuZA==");
    }

    @Test
    void logoutRemovesTheEntryAndKeepsEverythingElse() throws Exception {
        Files.createDirectories(dockerConfig);
        Files.writeString(dockerConfig.resolve("config.json"), """
                {"auths": {"other.example:1": {"auth": "eDp5"}}, "psFormat": "table {{.ID}}",
                 "HttpHeaders": {"User-Agent": "berth-test"}}
                """);
        Run login = berthWithStdin(work.resolve("r"), "wonderland", "login", "-u", "alice", "--password-stdin", domain);
        assertThat(login.exit()).as(login.err()).isZero();
        assertThat(config().path("auths").has(domain)).isTrue();
        assertThat(config().path("psFormat").asString()).isEqualTo("table {{.ID}}");

        Run logout = berth(work.resolve("r"), "logout", domain);
        assertThat(logout.exit()).as(logout.err()).isZero();
        assertThat(logout.out()).isEqualTo("Removing login credentials for " + domain + "\n");
        JsonNode root = config();
        assertThat(root.path("auths").has(domain)).isFalse();
        assertThat(root.path("auths").path("other.example:1").path("auth").asString()).isEqualTo("eDp5");
        assertThat(root.path("psFormat").asString()).isEqualTo("table {{.ID}}");
        assertThat(root.path("HttpHeaders").path("User-Agent").asString()).isEqualTo("berth-test");

        Run twice = berth(work.resolve("r"), "logout", domain);
        assertThat(twice.exit()).isZero();
        assertThat(twice.out()).isEqualTo("Not logged in to " + domain + "\n");
        Run hub = berth(work.resolve("r"), "logout");
        assertThat(hub.out()).isEqualTo("Not logged in to https://index.docker.io/v1/\n");

        Run pull = berth(work.resolve("r"), "pull", domain + "/team/hello:1.0");
        assertThat(pull.exit()).isEqualTo(1);
        assertThat(pull.err()).contains("unauthorized");
    }

    /** A docker-credential-test that keeps one file per server URL beside itself. */
    static void fakeHelper(Path dir) throws Exception {
        Files.createDirectories(dir.resolve("data"));
        Path program = Files.writeString(dir.resolve("docker-credential-test"), """
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
                esac
                """);
        Files.setPosixFilePermissions(program, PosixFilePermissions.fromString("rwx------"));
    }

    String helperFile() {
        return domain.replaceAll("[^A-Za-z0-9]", "_");
    }

    @Test
    void credHelperInProcessStoresGetsAndErases() throws Exception {
        Path helpers = work.resolve("helpers");
        fakeHelper(helpers);
        System.setProperty(DockerConfig.HELPERS_PROPERTY, helpers.toString());
        Files.createDirectories(dockerConfig);
        Files.writeString(dockerConfig.resolve("config.json"), "{\"credHelpers\": {\"" + domain + "\": \"test\"}}");
        Path a = work.resolve("a");
        String name = domain + "/team/helper:1";
        TestImages.small(ImageStore.open(a), name);

        Run login = berthWithStdin(a, "wonderland\n", "login", "-u", "alice", "--password-stdin", domain);
        assertThat(login.exit()).as(login.err()).isZero();
        Path stored = helpers.resolve("data").resolve(helperFile());
        assertThat(Files.readString(stored)).contains("\"Username\":\"alice\"", "\"Secret\":\"wonderland\"");
        assertThat(config().path("auths").path(domain).path("auth").isMissingNode()).isTrue();

        Run push = berth(a, "push", name);
        assertThat(push.exit()).as(push.err()).isZero();
        Run logout = berth(a, "logout", domain);
        assertThat(logout.out()).isEqualTo("Removing login credentials for " + domain + "\n");
        assertThat(stored).doesNotExist();
        assertThat(Files.readAllLines(helpers.resolve("data/log"))).containsSubsequence("store", "get", "erase");
    }

    @Test
    void credsStoreOnThePathInASubprocess() throws Exception {
        Path bin = work.resolve("bin");
        fakeHelper(bin);
        Path config = work.resolve("subprocess-docker");
        Files.createDirectories(config);
        Files.writeString(config.resolve("config.json"), "{\"credsStore\": \"test\", \"experimental\": \"enabled\"}");
        Path a = work.resolve("a");
        String name = domain + "/team/sub:1";
        TestImages.small(ImageStore.open(a), name);
        Path password = Files.writeString(work.resolve("password"), "wonderland\n");

        ProcessBuilder login = env(CliProcess.builder(a, "login", "-u", "alice", "--password-stdin", domain), bin, config)
                .redirectInput(password.toFile());
        assertThat(CliProcess.run(login.redirectOutput(work.resolve("out").toFile()).redirectError(work.resolve("err").toFile())))
                .as(Files.readString(work.resolve("err"))).isZero();
        assertThat(Files.readString(work.resolve("out"))).isEqualTo("Login Succeeded\n");
        assertThat(Files.readString(bin.resolve("data").resolve(helperFile()))).contains("\"Secret\":\"wonderland\"");
        assertThat(Files.readString(config.resolve("config.json"))).contains("\"experimental\"").doesNotContain("auth\"");

        ProcessBuilder push = env(CliProcess.builder(a, "push", name), bin, config)
                .redirectOutput(work.resolve("out").toFile()).redirectError(work.resolve("err").toFile());
        assertThat(CliProcess.run(push)).as(Files.readString(work.resolve("err"))).isZero();

        ProcessBuilder logout = env(CliProcess.builder(a, "logout", domain), bin, config)
                .redirectOutput(work.resolve("out").toFile()).redirectError(work.resolve("err").toFile());
        assertThat(CliProcess.run(logout)).as(Files.readString(work.resolve("err"))).isZero();
        assertThat(Files.readString(work.resolve("out"))).isEqualTo("Removing login credentials for " + domain + "\n");
        assertThat(bin.resolve("data").resolve(helperFile())).doesNotExist();

        // a credsStore whose program is nowhere is an error naming it
        Files.writeString(config.resolve("config.json"), "{\"credsStore\": \"berth-missing\"}");
        ProcessBuilder pull = env(CliProcess.builder(work.resolve("b"), "pull", name), bin, config)
                .redirectOutput(work.resolve("out").toFile()).redirectError(work.resolve("err").toFile());
        assertThat(CliProcess.run(pull)).isEqualTo(1);
        assertThat(Files.readString(work.resolve("err"))).contains("docker-credential-berth-missing");
    }

    private static ProcessBuilder env(ProcessBuilder builder, Path bin, Path config) {
        builder.environment().put("PATH", bin + java.io.File.pathSeparator + System.getenv("PATH"));
        builder.environment().put("DOCKER_CONFIG", config.toString());
        return builder;
    }
}
