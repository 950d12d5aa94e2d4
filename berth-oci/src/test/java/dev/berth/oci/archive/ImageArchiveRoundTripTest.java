package dev.berth.oci.archive;

import static dev.berth.oci.archive.ArchiveTestSupport.extract;
import static dev.berth.oci.archive.ArchiveTestSupport.load;
import static dev.berth.oci.archive.ArchiveTestSupport.messages;
import static dev.berth.oci.archive.ArchiveTestSupport.save;
import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.oci.digest.Digest;
import dev.berth.oci.image.Annotations;
import dev.berth.oci.image.Compression;
import dev.berth.oci.image.Descriptor;
import dev.berth.oci.image.Index;
import dev.berth.oci.image.MediaTypes;
import dev.berth.oci.json.Json;
import dev.berth.oci.layer.Compressors;
import dev.berth.oci.store.Image;
import dev.berth.oci.store.ImageStore;
import dev.berth.oci.store.StoreCheck;
import dev.berth.oci.testing.BusyboxImage;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageArchiveRoundTripTest {
    @TempDir
    Path tmp;

    ImageStore source;
    BusyboxImage.Built busybox;

    @BeforeEach
    void build() {
        source = ImageStore.open(tmp.resolve("source"));
        busybox = BusyboxImage.build(source, "busybox:latest");
    }

    @Test
    void ociArchiveIsAnImageLayoutAnnotatedAsDockerSaves() throws IOException {
        Path archive = save(source, ArchiveFormat.OCI, tmp.resolve("b.tar"), "busybox");
        List<TestTars.Entry> entries = TestTars.read(archive);
        assertThat(entries).extracting(TestTars.Entry::name).containsExactly(
                "blobs/", "blobs/sha256/",
                "blobs/sha256/" + sortedHex(busybox.manifest().digest(), busybox.config().digest(), busybox.layer().digest()).get(0),
                "blobs/sha256/" + sortedHex(busybox.manifest().digest(), busybox.config().digest(), busybox.layer().digest()).get(1),
                "blobs/sha256/" + sortedHex(busybox.manifest().digest(), busybox.config().digest(), busybox.layer().digest()).get(2),
                "index.json", "oci-layout");
        Index index = Json.read(TestTars.find(entries, "index.json").content(), Index.class, "index");
        assertThat(index.manifests()).singleElement().satisfies(d -> {
            assertThat(d.digest()).isEqualTo(busybox.manifest().digest());
            assertThat(d.mediaType()).isEqualTo(MediaTypes.OCI_MANIFEST);
            assertThat(d.annotations()).isEqualTo(Map.of(
                    Annotations.CONTAINERD_IMAGE_NAME, "docker.io/library/busybox:latest",
                    Annotations.REF_NAME, "latest"));
        });
        for (Digest d : List.of(busybox.manifest().digest(), busybox.config().digest(), busybox.layer().digest())) {
            assertThat(TestTars.find(entries, "blobs/sha256/" + d.encoded()).content()).isEqualTo(source.content().read(d));
        }
    }

    @Test
    void ociArchiveLoadsWithDigestsAndNameKept() throws IOException {
        Path archive = save(source, ArchiveFormat.OCI, tmp.resolve("b.tar"), "busybox:latest");
        ImageStore target = ImageStore.open(tmp.resolve("target"));
        List<LoadedImage> loaded = load(target, archive);
        assertThat(messages(loaded)).containsExactly("Loaded image: busybox:latest");
        Image image = target.resolve("busybox:latest");
        assertThat(image.root().digest()).isEqualTo(busybox.manifest().digest());
        assertThat(image.id()).isEqualTo(busybox.id());
        assertThat(new StoreCheck(target).run(false).problems()).isEmpty();
        assertThat(Files.list(target.paths().leases())).isEmpty();
    }

    @Test
    void dockerArchiveHasManifestJsonAndUncompressedLayers() throws IOException {
        Path archive = save(source, ArchiveFormat.DOCKER, tmp.resolve("d.tar"), "busybox");
        List<TestTars.Entry> entries = TestTars.read(archive);
        String layerName = busybox.diffId().encoded() + ".tar";
        String configName = busybox.id().encoded() + ".json";
        assertThat(entries).extracting(TestTars.Entry::name)
                .containsExactlyElementsOf(new java.util.TreeSet<>(List.of(layerName, configName, "manifest.json", "repositories")));
        assertThat(new String(TestTars.find(entries, "manifest.json").content(), StandardCharsets.UTF_8)).isEqualTo(
                "[{\"Config\":\"" + configName + "\",\"RepoTags\":[\"busybox:latest\"],\"Layers\":[\"" + layerName + "\"]}]");
        assertThat(new String(TestTars.find(entries, "repositories").content(), StandardCharsets.UTF_8))
                .isEqualTo("{\"busybox\":{\"latest\":\"" + busybox.diffId().encoded() + "\"}}");
        byte[] layer = TestTars.find(entries, layerName).content();
        assertThat(Digest.sha256(layer)).isEqualTo(busybox.diffId());
        assertThat(Compressors.detect(layer)).isEqualTo(Compression.NONE);
        assertThat(TestTars.find(entries, configName).content()).isEqualTo(source.content().read(busybox.id()));
    }

    @Test
    void dockerArchiveLoadsWithSameIdAndFiles() throws IOException {
        Path archive = save(source, ArchiveFormat.DOCKER, tmp.resolve("d.tar"), "busybox:latest");
        ImageStore target = ImageStore.open(tmp.resolve("target"));
        assertThat(messages(load(target, archive))).containsExactly("Loaded image: busybox:latest");
        Image image = target.resolve("busybox");
        assertThat(image.id()).isEqualTo(busybox.id());
        assertThat(image.manifest().mediaType()).isEqualTo(MediaTypes.OCI_MANIFEST);
        assertThat(image.manifest().config().mediaType()).isEqualTo(MediaTypes.OCI_CONFIG);
        assertThat(image.manifest().layers()).singleElement().satisfies(l -> {
            assertThat(l.mediaType()).isEqualTo(MediaTypes.OCI_LAYER_TAR);
            assertThat(l.digest()).isEqualTo(busybox.diffId());
        });
        assertFilesAsBuilt(extract(target, image, tmp.resolve("rootfs")));
        assertThat(new StoreCheck(target).run(false).problems()).isEmpty();
    }

    @Test
    void loadingTwiceGivesTheSameImage() throws IOException {
        Path archive = save(source, ArchiveFormat.DOCKER, tmp.resolve("d.tar"), "busybox:latest");
        ImageStore target = ImageStore.open(tmp.resolve("target"));
        Descriptor first = load(target, archive).getFirst().root();
        Descriptor second = load(target, archive).getFirst().root();
        assertThat(second).isEqualTo(first);
        assertThat(target.images()).hasSize(1);
    }

    @Test
    void savedByIdLoadsUntagged() throws IOException {
        for (ArchiveFormat format : ArchiveFormat.values()) {
            Path archive = save(source, format, tmp.resolve("id-" + format + ".tar"), busybox.id().toString());
            ImageStore target = ImageStore.open(tmp.resolve("id-target-" + format));
            assertThat(messages(load(target, archive))).containsExactly("Loaded image ID: " + busybox.id());
            assertThat(target.images()).singleElement().satisfies(i -> {
                assertThat(i.names()).isEmpty();
                assertThat(i.id()).isEqualTo(busybox.id());
            });
        }
    }

    @Test
    void severalNamesAndImagesInOneArchive() throws IOException {
        source.tag(dev.berth.oci.reference.Reference.parse("example.com/team/bb:1.0"), busybox.manifest());
        for (ArchiveFormat format : ArchiveFormat.values()) {
            Path archive = save(source, format, tmp.resolve("multi-" + format + ".tar"), "busybox:latest", "example.com/team/bb:1.0");
            ImageStore target = ImageStore.open(tmp.resolve("multi-" + format));
            assertThat(messages(load(target, archive)))
                    .containsExactly("Loaded image: busybox:latest", "Loaded image: example.com/team/bb:1.0");
            assertThat(target.resolve("example.com/team/bb:1.0").id()).isEqualTo(busybox.id());
        }
    }

    @Test
    void compressedArchivesLoad() throws IOException {
        for (Compression compression : List.of(Compression.GZIP, Compression.ZSTD)) {
            for (ArchiveFormat format : ArchiveFormat.values()) {
                Path plain = save(source, format, tmp.resolve("c-" + format + ".tar"), "busybox:latest");
                Path compressed = tmp.resolve("c-" + format + "-" + compression + ".tar.z");
                try (OutputStream out = Compressors.compress(Files.newOutputStream(compressed), compression)) {
                    Files.copy(plain, out);
                }
                ImageStore target = ImageStore.open(tmp.resolve("c-" + format + "-" + compression));
                assertThat(messages(load(target, compressed))).containsExactly("Loaded image: busybox:latest");
                assertThat(target.resolve("busybox").id()).isEqualTo(busybox.id());
            }
        }
    }

    @Test
    void dockerArchiveWithManifestFirstSymlinkedLayersAndGzipLayerLoads() throws IOException {
        // As old Docker and Podman write it: manifest.json anywhere, legacy layer directories whose layer.tar is a
        // symlink to the real file; and a gzip layer, which docker load accepts too.
        Path archive = save(source, ArchiveFormat.DOCKER, tmp.resolve("d.tar"), "busybox:latest");
        List<TestTars.Entry> entries = TestTars.read(archive);
        String configName = busybox.id().encoded() + ".json";
        byte[] gzipLayer = source.content().read(busybox.layer().digest());
        List<TestTars.Entry> rewritten = new ArrayList<>();
        rewritten.add(TestTars.Entry.file("manifest.json", ("[{\"Config\":\"" + configName
                + "\",\"RepoTags\":[\"busybox:latest\"],\"Layers\":[\"abc/layer.tar\"]}]").getBytes(StandardCharsets.UTF_8)));
        rewritten.add(TestTars.Entry.symlink("abc/layer.tar", "../layer.tar.gz"));
        rewritten.add(TestTars.Entry.file("./" + configName, TestTars.find(entries, configName).content()));
        rewritten.add(TestTars.Entry.file("layer.tar.gz", gzipLayer));
        Path tampered = tmp.resolve("legacy.tar");
        TestTars.write(rewritten, tampered);
        ImageStore target = ImageStore.open(tmp.resolve("target"));
        assertThat(messages(load(target, tampered))).containsExactly("Loaded image: busybox:latest");
        Image image = target.resolve("busybox");
        assertThat(image.manifest().layers()).singleElement().satisfies(l -> {
            assertThat(l.mediaType()).isEqualTo(MediaTypes.OCI_LAYER_GZIP);
            assertThat(l.digest()).isEqualTo(busybox.layer().digest());
        });
        assertFilesAsBuilt(extract(target, image, tmp.resolve("rootfs")));
    }

    @Test
    void savingTheSameImageTwiceGivesIdenticalBytes() throws IOException {
        ImageStore other = ImageStore.open(tmp.resolve("other"));
        BusyboxImage.build(other, "busybox:latest");
        for (ArchiveFormat format : ArchiveFormat.values()) {
            byte[] first = Files.readAllBytes(save(source, format, tmp.resolve("1-" + format + ".tar"), "busybox:latest"));
            byte[] second = Files.readAllBytes(save(source, format, tmp.resolve("2-" + format + ".tar"), "busybox:latest"));
            byte[] elsewhere = Files.readAllBytes(save(other, format, tmp.resolve("3-" + format + ".tar"), "busybox:latest"));
            assertThat(second).as(format + " saved twice").isEqualTo(first);
            assertThat(elsewhere).as(format + " saved from another store").isEqualTo(first);
        }
    }

    @Test
    void archiveEntriesAreOwnedByRootWithAFixedTime() throws IOException {
        Path archive = save(source, ArchiveFormat.DOCKER, tmp.resolve("d.tar"), "busybox:latest");
        try (var tar = new org.apache.commons.compress.archivers.tar.TarArchiveInputStream(Files.newInputStream(archive))) {
            for (var e = tar.getNextEntry(); e != null; e = tar.getNextEntry()) {
                assertThat(e.getLongUserId()).isZero();
                assertThat(e.getLongGroupId()).isZero();
                assertThat(e.getUserName()).isEmpty();
                assertThat(e.getGroupName()).isEmpty();
                assertThat(e.getModTime().getTime()).isEqualTo(dev.berth.oci.layer.LayerOptions.sourceDateEpoch() * 1000);
            }
        }
    }

    static void assertFilesAsBuilt(Path rootfs) throws IOException {
        assertThat(rootfs.resolve(BusyboxImage.TEST_FILE)).hasContent(BusyboxImage.TEST_FILE_CONTENT);
        assertThat(Files.readAllBytes(rootfs.resolve("bin/busybox"))).isEqualTo(Files.readAllBytes(BusyboxImage.BUSYBOX));
        assertThat(Files.isExecutable(rootfs.resolve("bin/busybox"))).isTrue();
        for (String applet : BusyboxImage.APPLETS) {
            assertThat(Files.readSymbolicLink(rootfs.resolve("bin/" + applet))).isEqualTo(Path.of("busybox"));
        }
    }

    private static List<String> sortedHex(Digest... digests) {
        return java.util.Arrays.stream(digests).map(Digest::encoded).sorted().toList();
    }
}
