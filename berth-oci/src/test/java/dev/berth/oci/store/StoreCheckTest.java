package dev.berth.oci.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.oci.image.Descriptor;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoreCheckTest {
    @TempDir
    Path root;

    @Test
    void aHealthyStoreIsConsistent() {
        ImageStore store = ImageStore.open(root);
        TestImages.named(store, "ok:1", "fine");
        StoreCheck.Report report = new StoreCheck(store).run(false);
        assertThat(report.problems()).isEmpty();
        assertThat(report.blobsChecked()).isEqualTo(3);
        assertThat(report.namesChecked()).isEqualTo(1);
    }

    @Test
    void findsAndRepairsACorruptLayerAndTheNameThatNeedsIt() throws Exception {
        ImageStore store = ImageStore.open(root);
        Descriptor manifest = TestImages.named(store, "broken:1", "will rot");
        TestImages.named(store, "healthy:1", "stays");
        Descriptor layer = store.readManifest(manifest.digest()).layers().getFirst();
        Files.write(store.content().path(layer.digest()), new byte[] {1, 2, 3});

        StoreCheck.Report found = new StoreCheck(store).run(false);
        assertThat(found.consistent()).isFalse();
        assertThat(found.problems()).extracting(StoreCheck.Problem::kind).containsExactlyInAnyOrder("corrupt-blob", "dangling-name");
        assertThat(found.problems()).anySatisfy(p -> assertThat(p.subject()).isEqualTo("docker.io/library/broken:1"));

        StoreCheck.Report repaired = new StoreCheck(store).run(true);
        assertThat(repaired.consistent()).isTrue();
        assertThat(store.content().contains(layer.digest())).isFalse();
        assertThat(store.find("broken:1")).isEmpty();
        assertThat(store.find("healthy:1")).isPresent();
        assertThat(new StoreCheck(store).run(false).problems()).isEmpty();
    }

    @Test
    void findsLeftoversOfACrashedWriterAndStrayFiles() throws Exception {
        ImageStore store = ImageStore.open(root);
        // What a writer killed mid-blob leaves: an unlocked lease file and its ingest file.
        Files.writeString(store.paths().leases().resolve("deadbeef"), "");
        Files.write(store.paths().ingest().resolve("deadbeef-1"), new byte[4096]);
        Files.writeString(store.paths().blobs().resolve("sha256/not-a-digest"), "junk");

        StoreCheck.Report found = new StoreCheck(store).run(false);
        assertThat(found.problems()).extracting(StoreCheck.Problem::kind)
                .containsExactlyInAnyOrder("stale-lease", "partial-write", "stray-file");
        assertThat(new StoreCheck(store).run(true).consistent()).isTrue();
        assertThat(store.paths().ingest()).isEmptyDirectory();
        assertThat(store.paths().leases()).isEmptyDirectory();
        assertThat(new StoreCheck(store).run(false).problems()).isEmpty();
    }

    @Test
    void aLiveLeaseIsNotStale() {
        ImageStore store = ImageStore.open(root);
        try (Lease lease = store.lease(); BlobWriter writer = lease.writer()) {
            writer.write(new byte[10]);
            assertThat(new StoreCheck(store).run(true).problems()).isEmpty();
            assertThat(store.paths().ingest()).isNotEmptyDirectory();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
