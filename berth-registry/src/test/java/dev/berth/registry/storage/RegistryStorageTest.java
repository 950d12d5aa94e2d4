package dev.berth.registry.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.oci.digest.Digest;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RegistryStorageTest {
    @TempDir
    Path root;

    private static final RepositoryName APP = new RepositoryName("app");
    private static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";

    private Digest put(RegistryStorage storage, RepositoryName repository, String content) {
        byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
        return storage.putBlob(repository, Digest.sha256(bytes), (long) bytes.length, new ByteArrayInputStream(bytes));
    }

    private static byte[] manifest(Digest config, Digest layer) {
        return ("{\"schemaVersion\":2,\"mediaType\":\"" + OCI_MANIFEST + "\",\"config\":{\"mediaType\":\"a\",\"digest\":\""
                + config + "\",\"size\":1},\"layers\":[{\"mediaType\":\"b\",\"digest\":\"" + layer + "\",\"size\":1}]}")
                .getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void garbageCollectionRemovesOnlyUnreferencedBlobs() throws Exception {
        RegistryStorage storage = new RegistryStorage(root);
        Digest config = put(storage, APP, "config");
        Digest layer = put(storage, APP, "layer");
        Digest orphan = put(storage, APP, "orphan!");
        Digest deletedLater = put(storage, new RepositoryName("other"), "other");
        byte[] manifest = manifest(config, layer);
        storage.putManifest(APP, "v1", OCI_MANIFEST, manifest);

        GcResult result = storage.collectGarbage();

        assertThat(result.blobsRemoved()).isEqualTo(2);
        assertThat(result.bytesFreed()).isEqualTo("orphan!".length() + "other".length());
        assertThat(storage.blob(APP, config)).isPresent();
        assertThat(storage.blob(APP, layer)).isPresent();
        assertThat(storage.manifest(APP, "v1")).isPresent();
        assertThat(storage.blob(APP, orphan)).isEmpty();
        assertThat(Files.exists(root.resolve("blobs/sha256/" + orphan.encoded()))).isFalse();
        assertThat(Files.exists(root.resolve("blobs/sha256/" + deletedLater.encoded()))).isFalse();

        storage.deleteManifest(APP, Digest.sha256(manifest).toString());
        assertThat(storage.collectGarbage().blobsRemoved()).isEqualTo(3);
        assertThat(storage.blob(APP, config)).isEmpty();
    }

    @Test
    void gracePeriodSparesYoungBlobsAndOldUploadsGo() throws Exception {
        RegistryStorage storage = new RegistryStorage(root);
        Digest young = put(storage, APP, "young");
        Digest old = put(storage, APP, "old");
        Files.setLastModifiedTime(root.resolve("blobs/sha256/" + old.encoded()),
                FileTime.from(Instant.now().minus(Duration.ofHours(2))));
        UploadStatus stale = storage.startUpload(APP);
        Files.setLastModifiedTime(root.resolve("uploads/" + stale.id() + "/data"),
                FileTime.from(Instant.now().minus(Duration.ofDays(2))));
        UploadStatus fresh = storage.startUpload(APP);

        assertThat(storage.collectGarbage(Duration.ofHours(1)).blobsRemoved()).isEqualTo(1);
        assertThat(storage.blob(APP, young)).isPresent();
        assertThat(storage.blob(APP, old)).isEmpty();
        assertThatThrownBy(() -> storage.uploadStatus(APP, stale.id()))
                .isInstanceOfSatisfying(DistributionException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BLOB_UPLOAD_UNKNOWN));
        assertThat(storage.uploadStatus(APP, fresh.id()).size()).isZero();
    }

    @Test
    void indexesKeepTheirChildManifests() {
        RegistryStorage storage = new RegistryStorage(root);
        Digest config = put(storage, APP, "config");
        byte[] child = manifest(config, config);
        Digest childDigest = storage.putManifest(APP, Digest.sha256(child).toString(), OCI_MANIFEST, child).digest();
        byte[] index = ("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":"
                + "[{\"mediaType\":\"" + OCI_MANIFEST + "\",\"digest\":\"" + childDigest + "\",\"size\":" + child.length + "}]}")
                .getBytes(StandardCharsets.UTF_8);
        storage.putManifest(APP, "multi", null, index);
        storage.deleteManifest(APP, childDigest.toString()); // unlinked, but the index still reaches it
        assertThat(storage.collectGarbage().blobsRemoved()).isZero();
        assertThat(Files.exists(root.resolve("blobs/sha256/" + childDigest.encoded()))).isTrue();

        byte[] dangling = ("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":"
                + "[{\"mediaType\":\"" + OCI_MANIFEST + "\",\"digest\":\"" + Digest.sha256(new byte[1]) + "\",\"size\":1}]}")
                .getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> storage.putManifest(APP, "broken", null, dangling))
                .isInstanceOfSatisfying(DistributionException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.MANIFEST_BLOB_UNKNOWN));
    }

    @Test
    void repositoryNamesFollowTheSpecGrammar() {
        for (String good : new String[] {"a", "a/b", "a.b", "a_b", "a__b", "a---b", "0/1/2"}) {
            assertThat(new RepositoryName(good).value()).isEqualTo(good);
        }
        for (String bad : new String[] {"", "A", "a/", "/a", "a//b", "a___b", "_a", "a.", "..", "a/../b", "a b"}) {
            assertThatThrownBy(() -> new RepositoryName(bad)).isInstanceOf(DistributionException.class);
        }
    }
}
