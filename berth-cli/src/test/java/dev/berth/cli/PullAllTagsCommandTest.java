package dev.berth.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.cli.InProcessBerth.Run;
import dev.berth.oci.image.Descriptor;
import dev.berth.oci.store.ImageStore;
import dev.berth.oci.store.StoreCheck;
import dev.berth.registry.server.RegistryServer;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code berth pull --all-tags} against a Berth registry on 127.0.0.1. */
class PullAllTagsCommandTest {
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

    @Test
    void everyTagOfTheRepositoryIsPulled() {
        Path source = work.resolve("source");
        Map<String, Descriptor> pushed = new LinkedHashMap<>();
        for (String tag : new String[] {"1.0", "2.0", "latest"}) {
            String name = domain + "/team/many:" + tag;
            pushed.put(tag, TestImages.build(ImageStore.open(source), name, dev.berth.oci.image.Compression.GZIP,
                    java.util.List.of(java.util.List.of(dev.berth.oci.layer.LayerEntry.file("tag.txt", (tag + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8), 0644)))));
            Run push = InProcessBerth.run(source, "push", name);
            assertThat(push.exit()).as(push.err()).isZero();
        }
        // Another repository's tag must not come along.
        TestImages.small(ImageStore.open(source), domain + "/team/other:1");
        assertThat(InProcessBerth.run(source, "push", domain + "/team/other:1").exit()).isZero();

        Path root = work.resolve("root");
        Run pull = InProcessBerth.run(root, "pull", "--all-tags", domain + "/team/many");
        assertThat(pull.exit()).as(pull.err()).isZero();
        for (var e : pushed.entrySet()) {
            assertThat(pull.out()).contains(e.getKey() + ": Pulling from team/many", "Digest: " + e.getValue().digest(),
                    "Status: Downloaded newer image for " + domain + "/team/many:" + e.getKey());
        }
        assertThat(pull.out()).endsWith("\n" + domain + "/team/many\n");
        ImageStore store = ImageStore.open(root);
        assertThat(store.images()).hasSize(3);
        for (var e : pushed.entrySet()) {
            assertThat(store.resolve(domain + "/team/many:" + e.getKey()).root().digest()).isEqualTo(e.getValue().digest());
        }
        assertThat(new StoreCheck(store).run(false).consistent()).isTrue();

        Run again = InProcessBerth.run(root, "pull", "-a", domain + "/team/many");
        assertThat(again.exit()).as(again.err()).isZero();
        assertThat(again.out()).contains("Status: Image is up to date for " + domain + "/team/many:2.0");
    }

    @Test
    void aTagOrDigestWithAllTagsIsRefusedAsDockerDoes() {
        Path root = work.resolve("root");
        for (String ref : new String[] {domain + "/team/many:1.0", "busybox:latest",
                domain + "/team/many@sha256:" + "a".repeat(64)}) {
            Run run = InProcessBerth.run(root, "pull", "--all-tags", ref);
            assertThat(run.exit()).as(ref).isEqualTo(1);
            assertThat(run.err()).isEqualTo("Error: tag can't be used with --all-tags/-a\n");
        }
        Run none = InProcessBerth.run(root, "pull", "-a", domain + "/team/none");
        assertThat(none.exit()).isEqualTo(1);
        assertThat(none.err()).startsWith("Error: repository " + domain + "/team/none not found");
        assertThat(ImageStore.open(root).images()).isEmpty();
    }
}
