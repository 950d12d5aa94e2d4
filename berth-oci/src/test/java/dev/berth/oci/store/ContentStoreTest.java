package dev.berth.oci.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.oci.OciException;
import dev.berth.oci.digest.Digest;
import dev.berth.oci.image.Descriptor;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ContentStoreTest {
    @TempDir
    Path root;

    @Test
    void createsAnOciImageLayout() throws Exception {
        ImageStore store = ImageStore.open(root);
        assertThat(Files.readString(root.resolve("images/oci-layout"))).isEqualTo("{\"imageLayoutVersion\":\"1.0.0\"}");
        assertThat(root.resolve("images/blobs/sha256")).isDirectory();
        assertThat(store.names().read()).isEmpty();
    }

    @Test
    void committedBlobIsStoredUnderItsDigest() throws Exception {
        ContentStore content = ImageStore.open(root).content();
        byte[] bytes = "hello".getBytes(StandardCharsets.UTF_8);
        try (Lease lease = content.lease()) {
            Descriptor d = lease.put("text/plain", bytes);
            assertThat(d.digest()).isEqualTo(Digest.sha256(bytes));
            assertThat(d.size()).isEqualTo(5);
            assertThat(content.read(d.digest())).isEqualTo(bytes);
            assertThat(root.resolve("images/blobs/sha256/" + d.digest().encoded())).hasBinaryContent(bytes);
        }
        assertThat(ingestFiles()).isEmpty();
        assertThat(leaseFiles()).isEmpty();
    }

    @Test
    void aBlobWhoseDigestDiffersFromTheExpectedOneIsRefusedAndNeverVisible() throws Exception {
        ContentStore content = ImageStore.open(root).content();
        Digest expected = Digest.sha256("the real content".getBytes(StandardCharsets.UTF_8));
        try (Lease lease = content.lease(); BlobWriter writer = lease.writer()) {
            writer.write("tampered content".getBytes(StandardCharsets.UTF_8));
            assertThatThrownBy(() -> writer.commit("text/plain", expected, 16))
                    .isInstanceOf(OciException.class)
                    .hasMessageContaining("was expected; refused")
                    .hasMessageContaining(expected.toString());
        }
        assertThat(content.contains(expected)).isFalse();
        assertThat(content.list()).isEmpty();
        assertThat(ingestFiles()).isEmpty();
    }

    @Test
    void aShortBlobIsRefused() throws Exception {
        ContentStore content = ImageStore.open(root).content();
        byte[] full = "0123456789".getBytes(StandardCharsets.UTF_8);
        try (Lease lease = content.lease(); BlobWriter writer = lease.writer()) {
            writer.write(full, 0, 4);
            assertThatThrownBy(() -> writer.commit("text/plain", Digest.sha256(full), full.length))
                    .hasMessageContaining("has size 4 but 10 was expected");
        }
        assertThat(content.list()).isEmpty();
    }

    @Test
    void sha512DigestsAreVerifiedToo() throws Exception {
        ContentStore content = ImageStore.open(root).content();
        byte[] bytes = "sha512 please".getBytes(StandardCharsets.UTF_8);
        Digest expected = Digest.of("sha512", Digest.newMessageDigest("sha512").digest(bytes));
        try (Lease lease = content.lease(); BlobWriter writer = lease.writer()) {
            writer.write(bytes);
            Descriptor d = writer.commit("text/plain", expected, bytes.length);
            assertThat(d.digest()).isEqualTo(expected);
        }
        assertThat(content.read(expected)).isEqualTo(bytes);
    }

    @Test
    void anUncommittedWriterLeavesNothingBehind() throws Exception {
        ContentStore content = ImageStore.open(root).content();
        try (Lease lease = content.lease(); BlobWriter writer = lease.writer()) {
            writer.write(new byte[1000]);
            assertThat(ingestFiles()).hasSize(1);
        }
        assertThat(ingestFiles()).isEmpty();
        assertThat(content.list()).isEmpty();
    }

    @Test
    void readingAMissingBlobNamesIt() {
        ContentStore content = ImageStore.open(root).content();
        Digest d = Digest.sha256(new byte[] {1});
        assertThatThrownBy(() -> content.read(d)).isInstanceOf(OciException.class).hasMessageContaining(d.toString());
    }

    @Test
    void concurrentWritersOfTheSameAndDifferentBlobsAllSucceed() throws Exception {
        ContentStore content = ImageStore.open(root).content();
        List<Future<Descriptor>> results = new ArrayList<>();
        try (var pool = Executors.newFixedThreadPool(8)) {
            for (int i = 0; i < 64; i++) {
                byte[] bytes = ("blob " + (i % 8)).getBytes(StandardCharsets.UTF_8);
                results.add(pool.submit(() -> {
                    try (Lease lease = content.lease()) {
                        return lease.put("text/plain", bytes);
                    }
                }));
            }
        }
        for (Future<Descriptor> f : results) {
            assertThat(content.read(f.get().digest())).hasSize((int) f.get().size());
        }
        assertThat(content.list()).hasSize(8);
        assertThat(ingestFiles()).isEmpty();
    }

    private List<Path> ingestFiles() throws Exception {
        try (Stream<Path> s = Files.list(root.resolve("images/ingest"))) {
            return s.toList();
        }
    }

    private List<Path> leaseFiles() throws Exception {
        try (Stream<Path> s = Files.list(root.resolve("images/leases"))) {
            return s.toList();
        }
    }
}
