package dev.berth.cli;

import dev.berth.cli.InProcessBerth.Run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.oci.image.Descriptor;
import dev.berth.oci.store.ImageStore;
import dev.berth.oci.store.StoreCheck;
import dev.berth.registry.server.RegistryServer;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** berth push and berth pull against a Berth registry on 127.0.0.1: printed lines, exit codes, errors. */
class PullPushCommandTest {
    @TempDir
    Path work;

    RegistryServer server;
    String domain;


    @BeforeEach
    void start() {
        server = RegistryServer.start(new RegistryServer.Config(work.resolve("registry"), "127.0.0.1", 0, false));
        domain = server.baseUri().getAuthority();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    Run berth(Path root, String... args) {
        return InProcessBerth.run(root, args);
    }

    @Test
    void pushThenPullPrintDockerLikeLines() {
        Path a = work.resolve("a");
        Path b = work.resolve("b");
        String name = domain + "/team/hello:1.0";
        Descriptor manifest = TestImages.small(ImageStore.open(a), name);
        String layer = ImageStore.open(a).readManifest(manifest.digest()).layers().getFirst().digest().shortHex();

        Run push = berth(a, "push", name);
        assertThat(push.exit()).as(push.err()).isZero();
        assertThat(push.out()).isEqualTo("The push refers to repository [" + domain + "/team/hello]\n"
                + layer + ": Pushed\n"
                + "1.0: digest: " + manifest.digest() + " size: " + manifest.size() + "\n");
        Run again = berth(a, "push", name);
        assertThat(again.out()).contains(layer + ": Layer already exists");

        Run pull = berth(b, "pull", name);
        assertThat(pull.exit()).as(pull.err()).isZero();
        assertThat(pull.out()).isEqualTo("1.0: Pulling from team/hello\n"
                + layer + ": Pull complete\n"
                + "Digest: " + manifest.digest() + "\n"
                + "Status: Downloaded newer image for " + name + "\n"
                + name + "\n");
        // unpacked into the snapshot store while pulling: the first container starts without unpacking
        var pulled = ImageStore.open(b).resolve(name);
        for (String chainId : dev.berth.runtime.snapshot.SnapshotStore.chainIds(pulled.config().diffIds())) {
            assertThat(b.resolve("snapshots").resolve(chainId.substring("sha256:".length())).resolve("fs/etc/hello.txt"))
                    .hasContent("hello from the cli test");
        }
        Run second = berth(b, "pull", name);
        assertThat(second.out()).contains(layer + ": Already exists", "Status: Image is up to date for " + name);
        Run quiet = berth(work.resolve("c"), "pull", "-q", "--max-concurrent-downloads", "1", "--tls-verify=false", name);
        assertThat(quiet.exit()).as(quiet.err()).isZero();
        assertThat(quiet.out()).isEqualTo(name + "\n");
        assertThat(new StoreCheck(ImageStore.open(b)).run(false).consistent()).isTrue();

        Run images = berth(b, "images");
        assertThat(images.out()).contains(domain + "/team/hello").contains("1.0");
    }

    @Test
    void badInputIsAOneLineErrorWithExit1() throws Exception {
        Path root = work.resolve("r");
        Run badRef = berth(root, "pull", "Bad:Ref:x");
        assertThat(badRef.exit()).isEqualTo(1);
        assertThat(badRef.err()).startsWith("Error: ").contains("invalid image reference").doesNotContain("\tat ");

        Run unknown = berth(root, "push", domain + "/no/such:1");
        assertThat(unknown.exit()).isEqualTo(1);
        assertThat(unknown.err()).isEqualTo("Error: An image does not exist locally with the tag: " + domain + "/no/such:1\n");

        int port;
        try (var socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            port = socket.getLocalPort();
        }
        Run unreachable = berth(root, "pull", "127.0.0.1:" + port + "/x/y:1");
        assertThat(unreachable.exit()).isEqualTo(1);
        assertThat(unreachable.err()).startsWith("Error: cannot reach 127.0.0.1:" + port).contains("connection refused")
                .doesNotContain("\tat ");

        Run missing = berth(root, "pull", domain + "/not/there:1");
        assertThat(missing.exit()).isEqualTo(1);
        assertThat(missing.err()).contains("Error: manifest for " + domain + "/not/there:1 not found");

        Run platform = berth(root, "pull", "--platform", "linux", domain + "/not/there:1");
        assertThat(platform.exit()).isEqualTo(1);
        assertThat(platform.err()).contains("invalid platform 'linux'");
    }
}
