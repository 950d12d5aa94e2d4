package dev.berth.registry.client;

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
    private static final Path BINARY = Path.of("/usr/bin/docker-registry");

    @TempDir
    Path work;

    Process process;
    String domain;

    @BeforeEach
    void start() throws Exception {
        assumeTrue(Files.isExecutable(BINARY), "docker-registry is not installed");
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            port = socket.getLocalPort();
        }
        Path config = work.resolve("config.yml");
        Files.writeString(config, """
                version: 0.1
                log:
                  level: warn
                  accesslog:
                    disabled: true
                storage:
                  filesystem:
                    rootdirectory: %s
                  delete:
                    enabled: true
                  maintenance:
                    uploadpurging:
                      enabled: false
                http:
                  addr: 127.0.0.1:%d
                  secret: interop-test-secret
                """.formatted(Files.createDirectories(work.resolve("storage")), port), StandardCharsets.UTF_8);
        ProcessBuilder pb = new ProcessBuilder(BINARY.toString(), "serve", config.toString())
                .redirectErrorStream(true).redirectOutput(work.resolve("registry.log").toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("REGISTRY_"));
        process = pb.start();
        domain = "127.0.0.1:" + port;
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            assertThat(process.isAlive()).as(() -> "docker-registry exited: " + log()).isTrue();
            try {
                if (http.send(HttpRequest.newBuilder(URI.create("http://" + domain + "/v2/")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    break;
                }
            } catch (java.io.IOException notYet) {
                // not listening yet
            }
            assertThat(System.nanoTime()).as("docker-registry did not start: " + log()).isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    private String log() {
        try {
            return Files.readString(work.resolve("registry.log"));
        } catch (java.io.IOException e) {
            return "(no log)";
        }
    }

    @AfterEach
    void stop() throws InterruptedException {
        if (process != null) {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
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
