package dev.berth.oci.archive;

import static dev.berth.oci.archive.ArchiveTestSupport.save;
import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.oci.json.Json;
import dev.berth.oci.store.ImageStore;
import dev.berth.oci.testing.BusyboxImage;
import dev.berth.oci.testing.ExternalTools;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** skopeo and umoci, which read OCI image layouts, accept an image Berth saved in OCI format. */
class OciPeerToolsTest {
    @TempDir
    Path tmp;

    BusyboxImage.Built busybox;
    Path layout;

    @BeforeEach
    void saveAndUntar() throws IOException {
        ImageStore store = ImageStore.open(tmp.resolve("store"));
        busybox = BusyboxImage.build(store, "busybox:latest");
        Path archive = save(store, ArchiveFormat.OCI, tmp.resolve("busybox-oci.tar"), "busybox:latest");
        layout = tmp.resolve("layout");
        ExternalTools.untar(archive, layout);
    }

    @Test
    void skopeoInspectsAndCopiesIt() throws IOException {
        ExternalTools.require("skopeo", "skopeo");
        var inspect = ExternalTools.run(Duration.ofMinutes(2), "skopeo", "inspect", "oci:" + layout + ":latest").requireSuccess();
        JsonNode info = Json.tree(inspect.stdout().getBytes(java.nio.charset.StandardCharsets.UTF_8), "skopeo inspect output");
        assertThat(info.path("Digest").asString()).isEqualTo(busybox.manifest().digest().toString());
        assertThat(info.path("Layers").get(0).asString()).isEqualTo(busybox.layer().digest().toString());
        assertThat(info.path("Env").get(0).asString()).isEqualTo(BusyboxImage.PATH_ENV);

        Path copy = tmp.resolve("copy");
        ExternalTools.run(Duration.ofMinutes(2), "skopeo", "--insecure-policy", "copy",
                "oci:" + layout + ":latest", "dir:" + copy).requireSuccess();
        assertThat(copy.resolve("manifest.json")).exists();
        assertThat(Files.readAllBytes(copy.resolve(busybox.layer().digest().encoded())))
                .isEqualTo(Files.readAllBytes(layout.resolve("blobs/sha256/" + busybox.layer().digest().encoded())));
        assertThat(Files.readAllBytes(copy.resolve(busybox.config().digest().encoded())))
                .isEqualTo(Files.readAllBytes(layout.resolve("blobs/sha256/" + busybox.config().digest().encoded())));
    }

    @Test
    void umociUnpacksIt() throws IOException {
        ExternalTools.require("umoci", "umoci");
        Path bundle = tmp.resolve("bundle");
        boolean root = "root".equals(System.getProperty("user.name"));
        var command = new java.util.ArrayList<>(java.util.List.of("umoci", "unpack"));
        if (!root) {
            command.add("--rootless");
        }
        command.addAll(java.util.List.of("--image", layout + ":latest", bundle.toString()));
        ExternalTools.run(Duration.ofMinutes(2), java.util.Map.of(), command).requireSuccess();
        Path rootfs = bundle.resolve("rootfs");
        assertThat(rootfs.resolve(BusyboxImage.TEST_FILE)).hasContent(BusyboxImage.TEST_FILE_CONTENT);
        assertThat(Files.readAllBytes(rootfs.resolve("bin/busybox"))).isEqualTo(Files.readAllBytes(BusyboxImage.BUSYBOX));
        assertThat(Files.readSymbolicLink(rootfs.resolve("bin/sh"))).isEqualTo(Path.of("busybox"));
        JsonNode config = Json.tree(Files.readAllBytes(bundle.resolve("config.json")), "runtime config");
        assertThat(config.path("process").path("args").toString()).isEqualTo("[\"/bin/sh\",\"-c\",\"echo hello from berth\"]");
    }
}
