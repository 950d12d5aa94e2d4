package dev.berth.oci.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.oci.OciException;
import dev.berth.oci.image.Annotations;
import dev.berth.oci.image.Descriptor;
import dev.berth.oci.image.Index;
import dev.berth.oci.json.Json;
import dev.berth.oci.reference.Reference;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageStoreTest {
    @TempDir
    Path root;

    @Test
    void namesAreFullReferencesInTheLayoutIndex() throws Exception {
        ImageStore store = ImageStore.open(root);
        Descriptor manifest = TestImages.named(store, "busybox", "a");
        Index index = Json.read(Files.readAllBytes(root.resolve("images/index.json")), Index.class, "index");
        assertThat(index.manifests()).singleElement().satisfies(d -> {
            assertThat(d.digest()).isEqualTo(manifest.digest());
            assertThat(d.annotation(Annotations.REF_NAME)).isEqualTo("docker.io/library/busybox:latest");
        });
    }

    @Test
    void resolvesByNameDigestReferenceAndIdPrefix() {
        ImageStore store = ImageStore.open(root);
        Descriptor manifest = TestImages.named(store, "localhost:5001/team/model:1.2", "a");
        Image byName = store.resolve("localhost:5001/team/model:1.2");
        assertThat(byName.root().digest()).isEqualTo(manifest.digest());
        assertThat(store.resolve("localhost:5001/team/model@" + manifest.digest()).id()).isEqualTo(byName.id());
        assertThat(store.resolve(byName.id().toString()).id()).isEqualTo(byName.id());
        assertThat(store.resolve(byName.id().encoded().substring(0, 6)).id()).isEqualTo(byName.id());
        assertThat(byName.names()).containsExactly("localhost:5001/team/model:1.2");
        assertThatThrownBy(() -> store.resolve("localhost:5001/team/model:1.3"))
                .isInstanceOf(OciException.class).hasMessage("No such image: localhost:5001/team/model:1.3");
    }

    @Test
    void anInvalidReferenceIsAnErrorNotAMiss() {
        ImageStore store = ImageStore.open(root);
        assertThatThrownBy(() -> store.resolve("Busybox:latest")).isInstanceOf(OciException.class)
                .hasMessageContaining("lowercase");
    }

    @Test
    void movingATagLeavesTheOldImageUntaggedAsDockerDoes() {
        ImageStore store = ImageStore.open(root);
        Descriptor first = TestImages.named(store, "app:1", "first");
        Descriptor second = TestImages.named(store, "app:1", "second");
        assertThat(store.images()).hasSize(2);
        assertThat(store.resolve("app:1").root().digest()).isEqualTo(second.digest());
        Image old = store.images().stream().filter(i -> i.root().digest().equals(first.digest())).findFirst().orElseThrow();
        assertThat(old.names()).isEmpty();
    }

    @Test
    void rmiByNameUntagsAndDeletesTheImageWithItsLastName() {
        ImageStore store = ImageStore.open(root);
        TestImages.named(store, "app:1", "x");
        store.tag(Reference.parse("app:2"), store.resolve("app:1").root());
        ImageStore.Removal first = store.remove("app:1", false);
        assertThat(first.untagged()).containsExactly("docker.io/library/app:1");
        assertThat(first.deleted()).isEmpty();
        ImageStore.Removal second = store.remove("app:2", false);
        assertThat(second.deleted()).hasSize(1);
        assertThat(store.images()).isEmpty();
    }

    @Test
    void rmiByIdOfAnImageWithSeveralNamesNeedsForce() {
        ImageStore store = ImageStore.open(root);
        TestImages.named(store, "app:1", "x");
        store.tag(Reference.parse("other:1"), store.resolve("app:1").root());
        String id = store.resolve("app:1").id().toString();
        assertThatThrownBy(() -> store.remove(id, false)).hasMessageContaining("must be forced");
        ImageStore.Removal removal = store.remove(id, true);
        assertThat(removal.untagged()).containsExactlyInAnyOrder("docker.io/library/app:1", "docker.io/library/other:1");
        assertThat(store.images()).isEmpty();
    }

    @Test
    void tagRefusesARootWhoseBlobsAreMissing() {
        ImageStore store = ImageStore.open(root);
        Descriptor bogus = Descriptor.of("application/vnd.oci.image.manifest.v1+json",
                dev.berth.oci.digest.Digest.sha256(new byte[] {42}), 1);
        assertThatThrownBy(() -> store.tag(Reference.parse("ghost:1"), bogus))
                .hasMessageContaining("blobs missing from the store");
        assertThat(store.images()).isEmpty();
    }
}
