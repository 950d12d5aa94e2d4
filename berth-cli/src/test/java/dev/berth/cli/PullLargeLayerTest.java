package dev.berth.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.berth.oci.digest.Digest;
import dev.berth.oci.image.ContainerConfig;
import dev.berth.oci.image.Descriptor;
import dev.berth.oci.image.ImageConfig;
import dev.berth.oci.image.Manifest;
import dev.berth.oci.image.MediaTypes;
import dev.berth.oci.image.Platform;
import dev.berth.oci.json.Json;
import dev.berth.oci.store.ImageStore;
import dev.berth.registry.server.RegistryServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A 4 GiB layer streams through a client whose heap is 256 MiB: the layer (an uncompressed tar of one 4 GiB file of
 * zeros, generated while it is uploaded, so it is stored once, in Berth's registry) is pulled by {@code berth pull} in a
 * child JVM started with {@code -Xmx256m}, which must succeed with the blob's digest verified. Needs about 9 GiB free
 * in the temp directory; skipped with a message otherwise. Takes a minute or so.
 */
class PullLargeLayerTest {
    private static final long FILE_SIZE = 4L << 30;
    private static final long NEEDED_SPACE = 9L << 30;

    @TempDir
    Path work;

    @Test
    void aFourGibLayerIsPulledByAClientWithA256MibHeap() throws Exception {
        long free = Files.getFileStore(work).getUsableSpace();
        assumeTrue(free > NEEDED_SPACE, "needs " + (NEEDED_SPACE >> 30) + " GiB free in " + work + ", has " + (free >> 20) + " MiB");
        Path root = work.resolve("root");
        try (RegistryServer server = RegistryServer.start(
                new RegistryServer.Config(work.resolve("registry"), "127.0.0.1", 0, false))) {
            URI base = server.baseUri();
            String repo = "big/model";
            Descriptor layer;
            long started = System.nanoTime();
            try (HttpClient http = HttpClient.newHttpClient()) {
                layer = uploadStreamed(http, base, repo, new ZeroTarLayer(FILE_SIZE));
                System.out.printf("uploaded a %d-byte layer %s in %d s%n", layer.size(), layer.digest(),
                        TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started));
                ContainerConfig run = new ContainerConfig(null, null, List.of("PATH=/bin"), null, List.of("/bin/true"),
                        null, null, null, null, null, null, null, null);
                ImageConfig config = new ImageConfig("2024-01-01T00:00:00Z", null, Platform.host().architecture(), "linux",
                        null, null, null, run, ImageConfig.RootFs.layers(List.of(layer.digest().toString())), List.of());
                byte[] configBytes = Json.canonicalBytes(config);
                Descriptor configDescriptor = Descriptor.of(MediaTypes.OCI_CONFIG, Digest.sha256(configBytes), configBytes.length);
                uploadStreamed(http, base, repo, new java.io.ByteArrayInputStream(configBytes));
                byte[] manifest = Json.canonicalBytes(Manifest.oci(configDescriptor, List.of(layer), null));
                HttpResponse<String> put = http.send(HttpRequest.newBuilder(base.resolve("/v2/" + repo + "/manifests/1"))
                        .header("Content-Type", MediaTypes.OCI_MANIFEST)
                        .PUT(HttpRequest.BodyPublishers.ofByteArray(manifest)).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(put.statusCode()).as(put.body()).isEqualTo(201);
            }

            String image = base.getAuthority() + "/" + repo + ":1";
            Path log = work.resolve("pull.log");
            List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx256m", "-XX:+PrintCommandLineFlags", "-cp", System.getProperty("java.class.path"),
                    Main.class.getName(), "--root", root.toString(), "pull", image));
            started = System.nanoTime();
            Process pull = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            try {
                assertThat(pull.waitFor(10, TimeUnit.MINUTES)).as("pull finished in 10 minutes").isTrue();
            } finally {
                CliProcess.kill(pull);
            }
            String output = Files.readString(log);
            System.out.printf("pulled in %d s:%n%s", TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started), output);
            assertThat(output).as("the child's heap limit").contains("-XX:MaxHeapSize=268435456");
            assertThat(pull.exitValue()).as(output).isZero();
            assertThat(output).contains("Status: Downloaded newer image for " + image).doesNotContain("OutOfMemoryError");

            ImageStore store = ImageStore.open(root);
            assertThat(store.resolve(image).manifest().layers()).containsExactly(layer);
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            long size = 0;
            try (InputStream in = store.content().open(layer.digest())) {
                byte[] buffer = new byte[1 << 20];
                for (int n; (n = in.read(buffer)) > 0; ) {
                    sha256.update(buffer, 0, n);
                    size += n;
                }
            }
            assertThat(size).isEqualTo(layer.size());
            assertThat(Digest.of("sha256", sha256.digest())).as("digest of the stored layer").isEqualTo(layer.digest());
        } finally {
            deleteTree(root);
            deleteTree(work.resolve("registry"));
        }
    }

    /** A chunked upload whose one PATCH streams the content, hashed on the way; PUT with the digest closes it. */
    private static Descriptor uploadStreamed(HttpClient http, URI base, String repo, InputStream content) throws Exception {
        HttpResponse<String> started = http.send(HttpRequest.newBuilder(base.resolve("/v2/" + repo + "/blobs/uploads/"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
        URI location = base.resolve(started.headers().firstValue("Location").orElseThrow());
        HashingStream hashing = new HashingStream(content);
        HttpResponse<String> patched = http.send(HttpRequest.newBuilder(location)
                .header("Content-Type", "application/octet-stream")
                .method("PATCH", HttpRequest.BodyPublishers.ofInputStream(() -> hashing)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(patched.statusCode()).as(patched.body()).isEqualTo(202);
        Digest digest = Digest.of("sha256", hashing.sha256.digest());
        URI next = base.resolve(patched.headers().firstValue("Location").orElseThrow());
        String separator = next.getRawQuery() == null ? "?" : "&";
        HttpResponse<String> done = http.send(HttpRequest.newBuilder(URI.create(next + separator + "digest=" + digest))
                .PUT(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(done.statusCode()).as(done.body()).isEqualTo(201);
        return Descriptor.of(MediaTypes.OCI_LAYER_TAR, digest, hashing.count);
    }

    /** Counts and hashes what is read through it. */
    private static final class HashingStream extends InputStream {
        final MessageDigest sha256;
        final InputStream in;
        long count;

        HashingStream(InputStream in) throws Exception {
            this.in = in;
            this.sha256 = MessageDigest.getInstance("SHA-256");
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = in.read(b, off, len);
            if (n > 0) {
                sha256.update(b, off, n);
                count += n;
            }
            return n;
        }
    }

    /** An uncompressed tar holding one file of {@code fileSize} zero bytes, produced on the fly. */
    static final class ZeroTarLayer extends InputStream {
        private final byte[] header;
        private final long total;
        private long position;

        ZeroTarLayer(long fileSize) {
            if (fileSize % 512 != 0) {
                throw new IllegalArgumentException("file size must be a multiple of 512");
            }
            header = new byte[512];
            put("model.bin", 0, 100);
            put("0000644", 100, 8);
            put("0000000", 108, 8);
            put("0000000", 116, 8);
            put(String.format("%011o", fileSize), 124, 12);
            put(String.format("%011o", 1704067200L), 136, 12);
            java.util.Arrays.fill(header, 148, 156, (byte) ' ');
            header[156] = '0';
            put("ustar", 257, 6);
            put("00", 263, 2);
            int sum = 0;
            for (byte b : header) {
                sum += b & 0xff;
            }
            put(String.format("%06o", sum), 148, 7);
            header[155] = ' ';
            total = 512 + fileSize + 1024; // header, content, two zero blocks ending the archive
        }

        private void put(String text, int offset, int width) {
            byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
            System.arraycopy(bytes, 0, header, offset, Math.min(bytes.length, width));
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (position >= total) {
                return -1;
            }
            int n = (int) Math.min(len, total - position);
            java.util.Arrays.fill(b, off, off + n, (byte) 0);
            if (position < 512) {
                System.arraycopy(header, (int) position, b, off, (int) Math.min(n, 512 - position));
            }
            position += n;
            return n;
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
