package dev.berth.build.copy;

import static dev.berth.build.copy.Trees.dir;
import static dev.berth.build.copy.Trees.file;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.luben.zstd.ZstdOutputStream;
import com.sun.net.httpserver.HttpServer;
import dev.berth.build.BuildException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** ADD: local archives extracted, URLs downloaded from a server on 127.0.0.1, checksums verified. */
class AddStepTest {
    @TempDir
    Path temp;
    CopyFixture f;
    HttpServer server;
    String base;
    final AtomicInteger requests = new AtomicInteger();
    static final byte[] PAYLOAD = "model weights\n".getBytes(StandardCharsets.UTF_8);

    @BeforeEach
    void setUp() throws IOException {
        f = new CopyFixture(temp);
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/files/", exchange -> {
            requests.incrementAndGet();
            String path = exchange.getRequestURI().getPath();
            byte[] body = path.endsWith("/missing") ? null : PAYLOAD;
            if (body == null) {
                exchange.sendResponseHeaders(404, -1);
            } else {
                exchange.getResponseHeaders().add("Last-Modified", "Wed, 21 Oct 2015 07:28:00 GMT");
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
            }
            exchange.close();
        });
        server.start();
        base = "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    /** A tar with a directory, two files (one executable, owned 1000:1000), a symlink and a hard link. */
    static byte[] tar(Function<OutputStream, OutputStream> compressor) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream compressed = compressor.apply(bytes);
             TarArchiveOutputStream tar = new TarArchiveOutputStream(compressed)) {
            TarArchiveEntry dir = new TarArchiveEntry("pkg/");
            dir.setMode(040750);
            tar.putArchiveEntry(dir);
            tar.closeArchiveEntry();
            put(tar, "pkg/bin/tool", "#!/bin/sh\n", 0100755, 1000, 1000);
            put(tar, "pkg/README", "read me\n", 0100644, 0, 0);
            TarArchiveEntry link = new TarArchiveEntry("pkg/current", TarArchiveEntry.LF_SYMLINK);
            link.setLinkName("bin/tool");
            tar.putArchiveEntry(link);
            tar.closeArchiveEntry();
        }
        return bytes.toByteArray();
    }

    private static void put(TarArchiveOutputStream tar, String name, String content, int mode, int uid, int gid)
            throws IOException {
        byte[] data = content.getBytes(StandardCharsets.UTF_8);
        TarArchiveEntry entry = new TarArchiveEntry(name);
        entry.setMode(mode);
        entry.setSize(data.length);
        entry.setIds(uid, gid);
        tar.putArchiveEntry(entry);
        tar.write(data);
        tar.closeArchiveEntry();
    }

    static OutputStream compress(String kind, OutputStream out) {
        try {
            return switch (kind) {
                case "tar" -> out;
                case "gz" -> new GzipCompressorOutputStream(out);
                case "bz2" -> new BZip2CompressorOutputStream(out);
                case "xz" -> new XZCompressorOutputStream(out);
                default -> new ZstdOutputStream(out);
            };
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"tar", "gz", "bz2", "xz", "zst"})
    void localArchivesAreExtractedWhateverTheCompression(String kind) throws IOException {
        // named without an archive extension on purpose: only the content counts
        Files.write(f.context.resolve("bundle." + kind + ".bin"), tar(out -> compress(kind, out)));
        assertThat(f.add("bundle." + kind + ".bin", "/opt").run()).containsExactly(
                "d 0755 0:0 opt",
                "d 0750 0:0 opt/pkg",
                "f 0644 0:0 opt/pkg/README = read me\\n",
                "d 0755 0:0 opt/pkg/bin",
                "f 0755 1000:1000 opt/pkg/bin/tool = #!/bin/sh\\n",
                "l 0:0 opt/pkg/current -> bin/tool");
    }

    @Test
    void chownOverridesTheArchiveOwners() throws IOException {
        Files.write(f.context.resolve("bundle.tgz"), tar(out -> compress("gz", out)));
        assertThat(f.add("bundle.tgz", "/opt/").chown("7:7").run()).containsExactly(
                "d 0755 7:7 opt",
                "d 0750 7:7 opt/pkg",
                "f 0644 7:7 opt/pkg/README = read me\\n",
                "d 0755 0:0 opt/pkg/bin", // implied by the archive, not in it: root's, as in BuildKit
                "f 0755 7:7 opt/pkg/bin/tool = #!/bin/sh\\n",
                "l 7:7 opt/pkg/current -> bin/tool");
    }

    @Test
    void aFileNamedLikeAnArchiveButNotOneIsCopiedAsIs() throws IOException {
        file(f.context, "fake.tar.gz", "not really", 0644);
        Files.write(f.context.resolve("empty.tar.gz"), new byte[0]);
        assertThat(f.add("fake.tar.gz", "empty.tar.gz", "/d/").run()).containsExactly(
                "d 0755 0:0 d",
                "f 0644 0:0 d/empty.tar.gz = ",
                "f 0644 0:0 d/fake.tar.gz = not really");
    }

    @Test
    void copyDoesNotExtract() throws IOException {
        Files.write(f.context.resolve("bundle.tgz"), tar(out -> compress("gz", out)));
        long size = Files.size(f.context.resolve("bundle.tgz"));
        assertThat(f.copy("bundle.tgz", "/d/").run()).containsExactly("d 0755 0:0 d",
                "f 0644 0:0 d/bundle.tgz (" + size + " bytes)");
    }

    @Test
    void urlIsDownloadedWithMode0600AndItsNameFromThePath() throws IOException {
        assertThat(f.add(base + "/files/weights.bin", "/models/").run()).containsExactly(
                "d 0755 0:0 models",
                "f 0600 0:0 models/weights.bin = model weights\\n");
    }

    @Test
    void urlToAFileDestinationTakesThatName() throws IOException {
        assertThat(f.add(base + "/files/weights.bin", "/models/w").chmod("644").chown("3:4").run()).containsExactly(
                "d 0755 3:4 models",
                "f 0644 3:4 models/w = model weights\\n");
    }

    @Test
    void checksumIsVerifiedAndBecomesTheDigestWithoutADownload() throws IOException {
        String good = "sha256:" + sha256(PAYLOAD);
        CopyFixture.Step step = f.add(base + "/files/weights.bin", "/w").checksum(good);
        try (CopyStep prepared = step.prepare()) {
            assertThat(requests).hasValue(0); // the pinned digest is the cache key: nothing fetched for it
            assertThat(prepared.remoteFiles()).containsExactly(new RemoteFile(base + "/files/weights.bin", good));
            prepared.apply(f.rootfs, f.output);
        }
        assertThat(requests).hasValue(1);
        assertThat(Trees.describe(f.output)).containsExactly("f 0600 0:0 w = model weights\\n");
    }

    @Test
    void checksumMismatchNamesBothDigestsAndLeavesNothing() {
        String wrong = "sha256:" + "0".repeat(64);
        assertThatThrownBy(() -> f.add(base + "/files/weights.bin", "/w").checksum(wrong).run())
                .isInstanceOf(BuildException.class)
                .hasMessage("ADD failed: checksum mismatch for " + base + "/files/weights.bin: expected " + wrong
                        + ", got sha256:" + sha256(PAYLOAD) + " (Dockerfile:5:1)");
        assertThat(f.output).isEmptyDirectory();
    }

    @Test
    void withoutChecksumTheDownloadedContentIsTheDigest() {
        try (CopyStep step = f.add(base + "/files/weights.bin", "/w").prepare()) {
            assertThat(requests).hasValue(1);
            assertThat(step.remoteFiles()).containsExactly(
                    new RemoteFile(base + "/files/weights.bin", "sha256:" + sha256(PAYLOAD)));
            String other;
            try (CopyStep again = f.add(base + "/files/weights.bin", "/w").prepare()) {
                other = again.sourceDigest();
            }
            assertThat(step.sourceDigest()).isEqualTo(other);
        }
    }

    @Test
    void badUrlsAreRefusedByName() {
        assertThatThrownBy(() -> f.add(base + "/files/missing", "/w").prepare())
                .hasMessage("ADD failed: cannot download " + base + "/files/missing: the server answered HTTP 404"
                        + " (Dockerfile:5:1)");
        assertThatThrownBy(() -> f.add("ftp://127.0.0.1/x.tgz", "/w").prepare())
                .hasMessage("ADD failed: unsupported URL scheme 'ftp' in ftp://127.0.0.1/x.tgz: ADD downloads http"
                        + " and https URLs (Dockerfile:5:1)");
        assertThatThrownBy(() -> f.add("https://127.0.0.1/repo.git", "/w").prepare())
                .hasMessageStartingWith("ADD failed: git sources are not supported yet: https://127.0.0.1/repo.git");
        assertThatThrownBy(() -> f.add("git@127.0.0.1:x/y.git", "/w").prepare())
                .hasMessageStartingWith("ADD failed: git sources are not supported yet");
        assertThatThrownBy(() -> f.add(base + "/", "/w/").run())
                .hasMessageContaining("cannot tell a file name for " + base + "/");
        assertThatThrownBy(() -> f.add("a", "/w").checksum("md5:abc").prepare())
                .hasMessageContaining("--checksum applies to a single http(s) URL source");
    }

    @Test
    void checksumSyntaxIsChecked() throws IOException {
        assertThatThrownBy(() -> f.add(base + "/files/weights.bin", "/w").checksum("sha256:XYZ").prepare())
                .hasMessageStartingWith("ADD failed: invalid --checksum 'sha256:XYZ'");
    }

    @Test
    void lockFilePinsActLikeChecksums() {
        String url = base + "/files/weights.bin";
        CopyRequest pinned = f.add(url, "/w").request().withPinnedDigests(java.util.Map.of(url, "sha256:" + "1".repeat(64)));
        assertThatThrownBy(() -> {
            try (CopyStep step = CopyStep.prepare(pinned, f.hashes)) {
                step.apply(f.rootfs, f.output);
            }
        }).hasMessageContaining("checksum mismatch for " + url);
    }

    @Test
    void downloadsAreDeletedOnClose() throws IOException {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        List<Path> before;
        try (var s = Files.list(tmp)) {
            before = s.filter(p -> p.getFileName().toString().startsWith("berth-add-")).toList();
        }
        try (CopyStep step = f.add(base + "/files/weights.bin", "/w").prepare()) {
            assertThat(step.sourceDigest()).startsWith("sha256:");
        }
        try (var s = Files.list(tmp)) {
            assertThat(s.filter(p -> p.getFileName().toString().startsWith("berth-add-")).toList())
                    .containsExactlyInAnyOrderElementsOf(before);
        }
    }

    private static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
