package dev.berth.registry.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.oci.digest.Digest;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RestartTest {
    @TempDir
    Path root;

    @Test
    void anUploadCutOffMidwayLeavesNoBlobAcrossARestart() throws IOException {
        byte[] content = new byte[2 * 1024 * 1024];
        new Random(1).nextBytes(content);
        Digest digest = Digest.sha256(content);
        try (TestRegistry registry = new TestRegistry(root)) {
            // the client dies after half the body: the server sees the stream end early
            InputStream dying = new InputStream() {
                int sent;

                @Override
                public int read() throws IOException {
                    if (sent >= content.length / 2) {
                        throw new IOException("client crashed");
                    }
                    return content[sent++] & 0xff;
                }
            };
            assertThatThrownBy(() -> registry.send("POST", "/v2/r/blobs/uploads/?digest=" + digest,
                    HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(() -> dying),
                            content.length))).isInstanceOf(RuntimeException.class);
        }
        try (TestRegistry registry = new TestRegistry(root)) {
            assertThat(registry.get("/v2/r/blobs/" + digest).statusCode()).isEqualTo(404);
            assertThat(Files.exists(root.resolve("blobs/sha256/" + digest.encoded()))).isFalse();
        }
    }

    @Test
    void aChunkedUploadContinuesAfterARestartAndIsReHashed() {
        byte[] content = new byte[300_000];
        new Random(2).nextBytes(content);
        Digest digest = Digest.sha256(content);
        String location;
        try (TestRegistry registry = new TestRegistry(root)) {
            location = registry.send("POST", "/v2/r/blobs/uploads/", (byte[]) null).headers().firstValue("Location").orElseThrow();
            var patch = registry.send("PATCH", location, Arrays.copyOfRange(content, 0, 100_000), "Content-Range", "0-99999");
            assertThat(patch.statusCode()).isEqualTo(202);
        }
        try (TestRegistry registry = new TestRegistry(root)) {
            var status = registry.get(location);
            assertThat(status.statusCode()).isEqualTo(204);
            assertThat(status.headers().firstValue("Range")).hasValue("0-99999");
            registry.send("PATCH", location, Arrays.copyOfRange(content, 100_000, 300_000), "Content-Range", "100000-299999");
            var put = registry.send("PUT", location + "?digest=" + digest, (byte[]) null);
            assertThat(put.statusCode()).isEqualTo(201);
            assertThat(registry.get("/v2/r/blobs/" + digest).body()).isEqualTo(content);
        }
    }
}
