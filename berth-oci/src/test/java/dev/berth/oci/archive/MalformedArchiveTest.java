package dev.berth.oci.archive;

import static dev.berth.oci.archive.ArchiveTestSupport.save;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.oci.OciException;
import dev.berth.oci.digest.Digest;
import dev.berth.oci.store.GarbageCollector;
import dev.berth.oci.store.ImageStore;
import dev.berth.oci.store.NameIndex;
import dev.berth.oci.store.StoreCheck;
import dev.berth.oci.testing.BusyboxImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every kind of bad archive is refused with a message naming the fault, and leaves no name (and, after gc, no blob). */
class MalformedArchiveTest {
    @TempDir
    Path tmp;

    ImageStore source;
    BusyboxImage.Built busybox;
    List<TestTars.Entry> oci;
    List<TestTars.Entry> docker;
    int cases;

    @BeforeEach
    void build() throws IOException {
        source = ImageStore.open(tmp.resolve("source"));
        busybox = BusyboxImage.build(source, "busybox:latest");
        oci = TestTars.read(save(source, ArchiveFormat.OCI, tmp.resolve("oci.tar"), "busybox:latest"));
        docker = TestTars.read(save(source, ArchiveFormat.DOCKER, tmp.resolve("docker.tar"), "busybox:latest"));
    }

    /** Loads into a fresh store (and one that already has a name), expects refusal, and checks nothing was named. */
    private void assertRefused(byte[] archive, String... messageParts) {
        assertRefused(true, archive, messageParts);
    }

    /**
     * @param alsoInPopulatedStore also try a store that already has busybox's blobs (not for archives missing a blob:
     *     a blob the store has already is as good as the archive's copy)
     */
    private void assertRefused(boolean alsoInPopulatedStore, byte[] archive, String... messageParts) {
        for (boolean populated : alsoInPopulatedStore ? new boolean[] {false, true} : new boolean[] {false}) {
            ImageStore target = ImageStore.open(tmp.resolve("target-" + cases++));
            if (populated) {
                BusyboxImage.build(target, "existing:1");
            }
            List<NameIndex.Entry> before = target.names().read();
            assertThatThrownBy(() -> new ImageArchiveReader(target).load(new ByteArrayInputStream(archive)))
                    .isInstanceOf(OciException.class)
                    .message().contains(messageParts);
            assertThat(target.names().read()).isEqualTo(before);
            try (var leases = Files.list(target.paths().leases()); var ingest = Files.list(target.paths().ingest())) {
                assertThat(leases).as("lease files left").isEmpty();
                assertThat(ingest).as("ingest files left").isEmpty();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            assertThat(new StoreCheck(target).run(false).problems()).isEmpty();
            new GarbageCollector(target).collect();
            if (!populated) {
                assertThat(target.content().list()).as("blobs left after gc").isEmpty();
            } else {
                assertThat(target.resolve("existing:1").id()).isEqualTo(busybox.id());
            }
        }
    }

    private static List<TestTars.Entry> change(List<TestTars.Entry> entries, String name, UnaryOperator<TestTars.Entry> edit) {
        List<TestTars.Entry> changed = new ArrayList<>();
        boolean found = false;
        for (TestTars.Entry e : entries) {
            if (e.name().equals(name)) {
                found = true;
                TestTars.Entry edited = edit.apply(e);
                if (edited != null) {
                    changed.add(edited);
                }
            } else {
                changed.add(e);
            }
        }
        assertThat(found).as("entry " + name).isTrue();
        return changed;
    }

    private static byte[] flipLastByte(byte[] content) {
        byte[] copy = content.clone();
        copy[copy.length - 1] ^= 1;
        return copy;
    }

    private static String blob(Digest d) {
        return "blobs/sha256/" + d.encoded();
    }

    @Test
    void notATar() {
        assertRefused("this is not a tar archive, just some text that is long enough to matter".repeat(20)
                .getBytes(StandardCharsets.UTF_8), "not a tar archive");
    }

    @Test
    void emptyInput() {
        assertRefused(new byte[0], "empty or not a tar archive");
    }

    @Test
    void brokenGzip() {
        assertRefused(new byte[] {0x1f, (byte) 0x8b, 1, 2, 3}, "not an image archive");
    }

    @Test
    void tarWithoutManifestJsonOrIndexJson() throws IOException {
        assertRefused(TestTars.bytes(List.of(TestTars.Entry.file("hello.txt", "hi".getBytes(StandardCharsets.UTF_8)))),
                "neither index.json", "nor manifest.json");
    }

    @Test
    void ociLayoutWithoutIndexJson() throws IOException {
        assertRefused(TestTars.bytes(change(oci, "index.json", e -> null)), "no index.json");
    }

    @Test
    void ociConfigBlobNotMatchingItsDigest() throws IOException {
        String name = blob(busybox.config().digest());
        assertRefused(TestTars.bytes(change(oci, name, e -> e.withContent(flipLastByte(e.content())))),
                name, "does not match its digest");
    }

    @Test
    void ociLayerBlobNotMatchingItsDigest() throws IOException {
        String name = blob(busybox.layer().digest());
        assertRefused(TestTars.bytes(change(oci, name, e -> e.withContent(flipLastByte(e.content())))),
                name, "does not match its digest");
    }

    @Test
    void ociBlobWithInvalidDigestName() throws IOException {
        List<TestTars.Entry> entries = new ArrayList<>(oci);
        entries.add(TestTars.Entry.file("blobs/sha256/not-hex", new byte[] {1}));
        assertRefused(TestTars.bytes(entries), "blobs/sha256/not-hex", "not named by a valid digest");
    }

    @Test
    void ociManifestReferencingAMissingLayer() throws IOException {
        assertRefused(false, TestTars.bytes(change(oci, blob(busybox.layer().digest()), e -> null)),
                "references layer " + busybox.layer().digest(), "not in the archive");
    }

    @Test
    void ociIndexReferencingAMissingManifest() throws IOException {
        assertRefused(false, TestTars.bytes(change(oci, blob(busybox.manifest().digest()), e -> null)),
                "index.json references manifest " + busybox.manifest().digest(), "not in the archive");
    }

    @Test
    void dockerArchiveWithoutManifestJson() throws IOException {
        assertRefused(TestTars.bytes(change(docker, "manifest.json", e -> null)), "neither index.json", "nor manifest.json");
    }

    @Test
    void dockerLayerNotMatchingItsDiffId() throws IOException {
        String name = busybox.diffId().encoded() + ".tar";
        assertRefused(TestTars.bytes(change(docker, name, e -> e.withContent(flipLastByte(e.content())))),
                name, "diff_id", busybox.diffId().toString());
    }

    @Test
    void dockerConfigNotMatchingItsName() throws IOException {
        String name = busybox.id().encoded() + ".json";
        assertRefused(TestTars.bytes(change(docker, name, e -> e.withContent(
                new String(e.content(), StandardCharsets.UTF_8).replace("hello from berth", "hello from elsewhere")
                        .getBytes(StandardCharsets.UTF_8)))),
                name, "does not match its digest");
    }

    @Test
    void dockerManifestReferencingAMissingLayer() throws IOException {
        String name = busybox.diffId().encoded() + ".tar";
        assertRefused(TestTars.bytes(change(docker, name, e -> null)), "lists the layer '" + name + "'", "not in the archive");
    }

    @Test
    void dockerManifestJsonMalformed() throws IOException {
        assertRefused(TestTars.bytes(change(docker, "manifest.json", e -> e.withContent("{\"Config\":".getBytes(StandardCharsets.UTF_8)))),
                "malformed manifest.json");
    }

    @Test
    void pathTraversalNames() throws IOException {
        for (String evil : List.of("../evil", "a/../../evil", "/etc/evil")) {
            List<TestTars.Entry> entries = new ArrayList<>(docker);
            entries.addFirst(TestTars.Entry.file(evil, "x".getBytes(StandardCharsets.UTF_8)));
            assertRefused(TestTars.bytes(entries), "'" + evil + "'", "path traversal");
        }
    }

    @Test
    void pathTraversalSymlink() throws IOException {
        List<TestTars.Entry> entries = new ArrayList<>(docker);
        entries.addFirst(TestTars.Entry.symlink("layer/layer.tar", "../../../etc/passwd"));
        assertRefused(TestTars.bytes(entries), "'layer/layer.tar'", "outside the archive", "path traversal");
    }

    @Test
    void pathTraversalInManifestJson() throws IOException {
        String configName = busybox.id().encoded() + ".json";
        assertRefused(TestTars.bytes(change(docker, "manifest.json", e -> e.withContent(("[{\"Config\":\"" + configName
                + "\",\"RepoTags\":[\"busybox:latest\"],\"Layers\":[\"../../etc/passwd\"]}]").getBytes(StandardCharsets.UTF_8)))),
                "'../../etc/passwd'", "path traversal");
    }

    @Test
    void truncatedArchive() throws IOException {
        for (List<TestTars.Entry> entries : List.of(oci, docker)) {
            byte[] whole = TestTars.bytes(entries);
            byte[] cut = java.util.Arrays.copyOf(whole, whole.length / 2);
            assertRefused(cut, "truncated");
        }
    }

    @Test
    void invalidNameInArchive() throws IOException {
        assertRefused(TestTars.bytes(change(docker, "manifest.json", e -> e.withContent(
                new String(e.content(), StandardCharsets.UTF_8).replace("busybox:latest", "Not A Name")
                        .getBytes(StandardCharsets.UTF_8)))),
                "'Not A Name'", "not a valid name");
    }
}
