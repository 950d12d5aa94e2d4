package dev.berth.oci.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.oci.image.Descriptor;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GarbageCollectorTest {
    @TempDir
    Path root;

    @Test
    void removesOnlyBlobsThatNoNameAndNoLiveLeaseReach() {
        ImageStore store = ImageStore.open(root);
        Descriptor kept = TestImages.named(store, "kept:1", "kept");
        Descriptor orphan;
        try (Lease lease = store.lease()) {
            orphan = lease.put("text/plain", "nobody names me".getBytes(StandardCharsets.UTF_8));
        }
        try (Lease inFlight = store.lease()) {
            // A pull in progress: its blobs are not named yet, but its lease holds them.
            Descriptor pulling = TestImages.write(store, inFlight, "still pulling");
            GarbageCollector.Result result = new GarbageCollector(store).collect();
            assertThat(result.blobsRemoved()).isEqualTo(1);
            assertThat(store.content().contains(orphan.digest())).isFalse();
            assertThat(store.content().contains(pulling.digest())).isTrue();
            assertThat(store.closure(kept, new java.util.ArrayList<>())).allMatch(store.content()::contains);
            store.tag(dev.berth.oci.reference.Reference.parse("pulled:1"), pulling);
        }
        assertThat(new GarbageCollector(store).collect().blobsRemoved()).isZero();
        assertThat(store.resolve("pulled:1").manifest().layers()).allMatch(l -> store.content().contains(l.digest()));
    }

    @Test
    void removedImagesFreeTheirBlobs() {
        ImageStore store = ImageStore.open(root);
        TestImages.named(store, "a:1", "a");
        TestImages.named(store, "b:1", "b");
        int before = store.content().list().size();
        store.remove("a:1", false);
        GarbageCollector.Result result = new GarbageCollector(store).collect();
        assertThat(result.blobsRemoved()).isEqualTo(3); // manifest, config, layer
        assertThat(store.content().list()).hasSize(before - 3);
        assertThat(new StoreCheck(store).run(false).problems()).isEmpty();
    }
}
