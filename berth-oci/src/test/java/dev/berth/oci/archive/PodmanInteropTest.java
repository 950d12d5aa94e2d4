package dev.berth.oci.archive;

import static dev.berth.oci.archive.ArchiveTestSupport.extract;
import static dev.berth.oci.archive.ArchiveTestSupport.load;
import static dev.berth.oci.archive.ArchiveTestSupport.messages;
import static dev.berth.oci.archive.ArchiveTestSupport.save;
import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.oci.store.Image;
import dev.berth.oci.store.ImageStore;
import dev.berth.oci.store.StoreCheck;
import dev.berth.oci.testing.BusyboxImage;
import dev.berth.oci.testing.ExternalTools;
import dev.berth.oci.testing.Podman;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Podman, with its own throw-away state, loads and runs what Berth saves, and Berth loads what Podman saves; the files
 * that come back out are those that went in.
 */
class PodmanInteropTest {
    @TempDir
    Path tmp;

    ImageStore store;
    BusyboxImage.Built busybox;
    Podman podman;

    @BeforeEach
    void setUp() {
        ExternalTools.require("runc", "runc");
        store = ImageStore.open(tmp.resolve("store"));
        busybox = BusyboxImage.build(store, "busybox:latest");
        podman = new Podman(tmp.resolve("podman"));
    }

    private String runImage(String image) {
        return podman.run("run", "--rm", "--runtime", "runc", "--network", "none", image).requireSuccess().stdout();
    }

    @Test
    void podmanLoadsAndRunsTheDockerFormat() throws IOException {
        Path archive = save(store, ArchiveFormat.DOCKER, tmp.resolve("busybox-docker.tar"), "busybox:latest");
        var loaded = podman.run("load", "-i", archive.toString()).requireSuccess();
        // RepoTags hold Docker's familiar names ("busybox:latest"), as docker save writes them; Podman reads a
        // name without a domain from a docker archive as localhost/NAME (it does so for Docker's own archives too).
        assertThat(loaded.stdout()).as(loaded.stderr()).contains("Loaded image: localhost/busybox:latest");
        var id = podman.run("image", "inspect", "--format", "{{.Id}}", "localhost/busybox:latest").requireSuccess();
        assertThat(id.stdout().strip()).isEqualTo(busybox.id().encoded());
        assertThat(runImage(busybox.id().encoded())).isEqualTo(BusyboxImage.GREETING + "\n");
    }

    @Test
    void podmanKeepsTheRegistryOfAFullNameInTheDockerFormat() throws IOException {
        store.tag(dev.berth.oci.reference.Reference.parse("example.com/team/busybox:1.0"), busybox.manifest());
        Path archive = save(store, ArchiveFormat.DOCKER, tmp.resolve("busybox-docker.tar"), "example.com/team/busybox:1.0");
        var loaded = podman.run("load", "-i", archive.toString()).requireSuccess();
        assertThat(loaded.stdout()).as(loaded.stderr()).contains("Loaded image: example.com/team/busybox:1.0");
        assertThat(runImage("example.com/team/busybox:1.0")).isEqualTo(BusyboxImage.GREETING + "\n");
    }

    @Test
    void podmanLoadsAndRunsTheOciFormat() throws IOException {
        Path archive = save(store, ArchiveFormat.OCI, tmp.resolve("busybox-oci.tar"), "busybox:latest");
        var loaded = podman.run("load", "-i", archive.toString()).requireSuccess();
        assertThat(loaded.stdout()).as(loaded.stderr()).contains("Loaded image: docker.io/library/busybox:latest");
        var id = podman.run("image", "inspect", "--format", "{{.Id}}", "docker.io/library/busybox:latest").requireSuccess();
        assertThat(id.stdout().strip()).isEqualTo(busybox.id().encoded());
        assertThat(runImage("docker.io/library/busybox:latest")).isEqualTo(BusyboxImage.GREETING + "\n");
    }

    @Test
    void berthLoadsWhatPodmanSavesInBothFormats() throws IOException {
        Path ours = save(store, ArchiveFormat.DOCKER, tmp.resolve("busybox-docker.tar"), "busybox:latest");
        podman.run("load", "-i", ours.toString()).requireSuccess();
        podman.run("tag", busybox.id().encoded(), "example.com/podman/busybox:saved").requireSuccess();
        for (String format : new String[] {"docker-archive", "oci-archive"}) {
            Path theirs = tmp.resolve("podman-" + format + ".tar");
            podman.run("save", "--format", format, "-o", theirs.toString(), "example.com/podman/busybox:saved").requireSuccess();
            ImageStore target = ImageStore.open(tmp.resolve("target-" + format));
            assertThat(messages(load(target, theirs))).as(format).containsExactly("Loaded image: example.com/podman/busybox:saved");
            Image image = target.resolve("example.com/podman/busybox:saved");
            assertThat(image.id()).as(format + " keeps the config").isEqualTo(busybox.id());
            assertThat(image.config().containerConfig().cmd()).isEqualTo(BusyboxImage.CMD);
            ImageArchiveRoundTripTest.assertFilesAsBuilt(extract(target, image, tmp.resolve("rootfs-" + format)));
            assertThat(new StoreCheck(target).run(false).problems()).isEmpty();
        }
    }
}
