package dev.berth.build.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.oci.archive.ArchiveFormat;
import dev.berth.oci.store.ImageStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The fixture images really run (with runc), are reproducible, and load into podman. */
class TestImagesTest {
    @TempDir
    Path work;

    private static RuncContainer.Result ok(RuncContainer.Result r) {
        assertThat(r.exitCode()).as("exit code; stdout:%n%s%nstderr:%n%s", r.stdout(), r.stderr()).isZero();
        return r;
    }

    @Test
    void busyboxRunsItsAppletsAsRootAndAsTheUnprivilegedUser() {
        ImageStore store = ImageStore.open(work.resolve("store"));
        TestImages.busybox(store, "busybox:test");
        Path rootfs = TestImages.unpack(store, "busybox:test", work.resolve("rootfs"));

        RuncContainer.Result root = ok(RuncContainer.run(rootfs, work, "",
                List.of("sh", "-c", "echo hi; id; mkdir /tmp/d && chmod 700 /tmp/d && ls -ld /tmp/d | cut -c1-10; ls /bin/cat")));
        assertThat(root.stdout().lines().toList()).containsExactly("hi", "uid=0(root) gid=0(root) groups=0(root)",
                "drwx------", "/bin/cat");

        RuncContainer.Result app = ok(RuncContainer.run(rootfs, work, TestImages.USER,
                List.of("sh", "-c", "id; echo $HOME; touch /home/app/mine && echo wrote")));
        assertThat(app.stdout().lines().toList()).containsExactly("uid=1000(app) gid=1000(app) groups=1000(app)",
                "/home/app", "wrote");
    }

    @Test
    void debianRunsBashDashAndCoreutils() {
        ImageStore store = ImageStore.open(work.resolve("store"));
        TestImages.debian(store, "debian:test");
        Path rootfs = TestImages.unpack(store, "debian:test", work.resolve("rootfs"));

        RuncContainer.Result bash = ok(RuncContainer.run(rootfs, work, "", List.of("/bin/bash", "-c", "echo hi; id")));
        assertThat(bash.stdout()).isEqualTo("hi\nuid=0(root) gid=0(root) groups=0(root)\n");

        // /bin/sh is dash; the tools are coreutils' (GNU ls prints --version), not busybox's.
        RuncContainer.Result tools = ok(RuncContainer.run(rootfs, work, "", List.of("sh", "-c",
                "readlink /bin/sh; ls --version | head -n1 | cut -d' ' -f1-3; mkdir -p /tmp/a/b && chmod 750 /tmp/a/b"
                        + " && stat -c '%A %U' /tmp/a/b; echo data > /tmp/f && cat /tmp/f; cat /etc/debian_version | cut -d. -f1"
                        + "; echo x | grep -c x; echo abc | sed s/b/B/")));
        assertThat(tools.stdout().lines().toList()).containsExactly("dash", "ls (GNU coreutils)", "drwxr-x--- root",
                "data", "12", "1", "aBc");

        RuncContainer.Result app = ok(RuncContainer.run(rootfs, work, TestImages.USER,
                List.of("/bin/bash", "-c", "id -un; id -u; cd && pwd && touch mine && ls")));
        assertThat(app.stdout().lines().toList()).containsExactly("app", "1000", "/home/app", "mine");
    }

    @Test
    void theSamePackagesGiveTheSameDigests() {
        ImageStore first = ImageStore.open(work.resolve("first"));
        ImageStore second = ImageStore.open(work.resolve("second"));
        assertThat(TestImages.debian(first, "debian:a").manifest())
                .isEqualTo(TestImages.debian(second, "debian:b").manifest());
        assertThat(TestImages.busybox(first, "busybox:a").manifest())
                .isEqualTo(TestImages.busybox(second, "busybox:b").manifest());
    }

    @Test
    void podmanLoadsAndRunsBothFixtures() throws Exception {
        ImageStore store = ImageStore.open(work.resolve("store"));
        TestImages.Built debian = TestImages.debian(store, "example.com/fixtures/debian:12");
        TestImages.Built busybox = TestImages.busybox(store, "example.com/fixtures/busybox:1");
        Path podmanDir = Files.createDirectories(work.resolve("podman"));
        Files.writeString(podmanDir.resolve("containers.conf"), "[containers]\ndefault_ulimits = []\n");

        Path debianTar = TestImages.save(store, "example.com/fixtures/debian:12", ArchiveFormat.DOCKER, work.resolve("debian.tar"));
        Path busyboxTar = TestImages.save(store, "example.com/fixtures/busybox:1", ArchiveFormat.OCI, work.resolve("busybox.tar"));
        assertThat(podman(podmanDir, "load", "-i", debianTar.toString()).stdout())
                .contains("Loaded image: example.com/fixtures/debian:12");
        assertThat(podman(podmanDir, "load", "-i", busyboxTar.toString()).stdout())
                .contains("Loaded image: example.com/fixtures/busybox:1");
        assertThat(podman(podmanDir, "image", "inspect", "--format", "{{.Id}}", "example.com/fixtures/debian:12")
                .stdout().strip()).isEqualTo(debian.id().encoded());
        assertThat(podman(podmanDir, "image", "inspect", "--format", "{{.Id}}", "example.com/fixtures/busybox:1")
                .stdout().strip()).isEqualTo(busybox.id().encoded());

        assertThat(podman(podmanDir, "run", "--rm", "--runtime", "runc", "--network", "none",
                "example.com/fixtures/debian:12", "/bin/bash", "-c", "echo hi; id -u app").stdout()).isEqualTo("hi\n1000\n");
        assertThat(podman(podmanDir, "run", "--rm", "--runtime", "runc", "--network", "none",
                "example.com/fixtures/busybox:1", "sh", "-c", "echo hi").stdout()).isEqualTo("hi\n");
    }

    /** Podman with its own state under the test directory; the machine's podman storage is never touched. */
    private static ExternalCommand.Result podman(Path dir, String... args) {
        List<String> command = new java.util.ArrayList<>(List.of("podman", "--root", dir.resolve("root").toString(),
                "--runroot", dir.resolve("runroot").toString(), "--storage-driver", "vfs", "--cgroup-manager",
                "cgroupfs", "--events-backend", "none"));
        command.addAll(List.of(args));
        return ExternalCommand.run(command, Map.of("CONTAINERS_CONF", dir.resolve("containers.conf").toString()), null,
                (int) Duration.ofMinutes(5).toSeconds()).requireSuccess("podman " + String.join(" ", args));
    }
}
