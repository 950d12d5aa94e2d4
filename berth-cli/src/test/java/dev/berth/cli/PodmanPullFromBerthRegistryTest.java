package dev.berth.cli;

import dev.berth.cli.InProcessBerth.Run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.registry.server.RegistryServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end with a real peer: a busybox image imported into a Berth store, pushed by {@code berth push} to a Berth
 * registry on 127.0.0.1, is pulled by podman and runs under runc.
 */
class PodmanPullFromBerthRegistryTest {
    private static final String GREETING = "hello from the berth registry";

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
        if (server != null) {
            server.close();
        }
    }

    Run berth(Path root, String... args) {
        return InProcessBerth.run(root, args);
    }

    /** A rootfs tar of {@code bin/busybox} (from the Debian package busybox-static) and {@code bin/sh} linking to it. */
    Path busyboxRootfsTar() throws Exception {
        Path busybox = Path.of("/usr/bin/busybox");
        assertThat(busybox).as("busybox is not installed: install the Debian package busybox-static").exists();
        PeerTool.require("tar", "tar");
        Path rootfs = Files.createDirectories(work.resolve("rootfs/bin"));
        Files.copy(busybox, rootfs.resolve("busybox"));
        Files.createSymbolicLink(rootfs.resolve("sh"), Path.of("busybox"));
        Path tar = work.resolve("rootfs.tar");
        PeerTool.run(work, java.time.Duration.ofMinutes(2), java.util.Map.of(),
                List.of("tar", "-C", work.resolve("rootfs").toString(), "-cf", tar.toString(), ".")).requireSuccess();
        return tar;
    }

    @Test
    void podmanPullsAndRunsAnImagePushedByBerth() throws Exception {
        PeerTool.require("runc", "runc");
        PeerTool.Podman podman = new PeerTool.Podman(work.resolve("podman"));
        Path store = work.resolve("store");
        String image = domain + "/e2e/busybox:1";

        Run imported = berth(store, "import", busyboxRootfsTar().toString(), image,
                "--change", "CMD [\"sh\",\"-c\",\"echo " + GREETING + "\"]");
        assertThat(imported.exit()).as(imported.err()).isZero();
        String id = imported.out().strip();
        assertThat(id).matches("sha256:[a-f0-9]{64}");

        Run push = berth(store, "push", image);
        assertThat(push.exit()).as(push.err()).isZero();
        assertThat(push.out()).startsWith("The push refers to repository [" + domain + "/e2e/busybox]\n")
                .contains("1: digest: sha256:");
        String manifestDigest = push.out().lines().filter(l -> l.startsWith("1: digest: ")).findFirst().orElseThrow()
                .split(" ")[2];

        var pull = podman.run("pull", "--tls-verify=false", image).requireSuccess();
        // podman prints the image ID on stdout; its ID is the config digest, which is what berth import printed
        assertThat(pull.stdout().strip()).as(pull.stderr()).isEqualTo(id.substring("sha256:".length()));
        var digest = podman.run("image", "inspect", "--format", "{{.Digest}}", image).requireSuccess();
        assertThat(digest.stdout().strip()).isEqualTo(manifestDigest);

        var run = podman.run("run", "--rm", "--runtime", "runc", "--network", "none", image).requireSuccess();
        assertThat(run.stdout()).as(run.stderr()).isEqualTo(GREETING + "\n");
    }

    @Test
    void aMissingPeerToolFailsNamingItsDebianPackage() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> PeerTool.require("berth-no-such-podman", "podman"))
                .isInstanceOf(org.opentest4j.AssertionFailedError.class)
                .hasMessage("berth-no-such-podman is not installed: install the Debian package podman (apt-get install podman)");
    }
}
