package dev.berth.oci.layer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.oci.OciException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A corpus of malicious layers. Each must be refused with a message naming the offending entry, and a sentinel
 * directory next to the target proves nothing was created, changed or deleted outside the target.
 */
@org.junit.jupiter.api.Timeout(120) // a FIFO opened by mistake would block forever
class HostileLayersTest {
    private static final byte[] X = "pwned".getBytes();

    @TempDir
    Path dir;
    Path target;
    Map<String, String> outsideBefore;

    @BeforeEach
    void setUp() throws IOException {
        // dir/sandbox/deep/target: '../..' from the target lands in dir/sandbox, still under the TempDir we watch
        target = Files.createDirectories(dir.resolve("sandbox/deep/target"));
        Files.createDirectories(dir.resolve("etc"));
        Files.writeString(dir.resolve("etc/sentinel"), "untouched");
        Files.writeString(dir.resolve("outside"), "untouched");
        outsideBefore = Trees.describeExcept(dir, target);
    }

    static Stream<Arguments> corpus() {
        return Stream.of(
                Arguments.of("path traversal", new RawTar().file("../../etc/x", X).bytes(), "../../etc/x"),
                Arguments.of("traversal in the middle", new RawTar().dir("a").file("a/../../../x", X).bytes(),
                        "a/../../../x"),
                Arguments.of("absolute path", new RawTar().file("/etc/x", X).bytes(), "/etc/x"),
                Arguments.of("symlink escape then write through it",
                        new RawTar().symlink("link", "../../..").file("link/x", X).bytes(), "link"),
                Arguments.of("symlink escape from a subdirectory",
                        new RawTar().dir("d").symlink("d/up", "../../x").bytes(), "d/up"),
                Arguments.of("hard link escape", new RawTar().hardLink("hl", "../../outside").bytes(), "hl"),
                Arguments.of("hard link to an absolute path", new RawTar().hardLink("hl", "/etc/passwd").bytes(), "hl"),
                Arguments.of("hard link to a missing file", new RawTar().hardLink("hl", "missing").bytes(), "hl"),
                Arguments.of("character device", new RawTar().header("dev/mem", '3', 0, "").bytes(), "dev/mem"),
                Arguments.of("block device", new RawTar().header("dev/sda", '4', 0, "").bytes(), "dev/sda"),
                Arguments.of("fifo", new RawTar().header("fifo", '6', 0, "").bytes(), "fifo"),
                Arguments.of("PAX header declaring 100 MB",
                        new RawTar().header("PaxHeaders/big", 'x', 100L << 20, "").truncated(), "PaxHeaders/big"),
                Arguments.of("global PAX header declaring 100 MB",
                        new RawTar().header("pax_global_header", 'g', 100L << 20, "").truncated(), "pax_global_header"),
                Arguments.of("GNU long name of huge size",
                        new RawTar().header("././@LongLink", 'L', 1L << 40, "").truncated(), "././@LongLink"),
                Arguments.of("GNU long link name of huge size",
                        new RawTar().header("././@LongLink", 'K', 8L << 30, "").truncated(), "././@LongLink"),
                Arguments.of("name longer than 4096 bytes",
                        new RawTar().pax("long", RawTar.record("path", "n".repeat(5000))).file("short", X).bytes(), "nnnn"),
                Arguments.of("GNU sparse file", new RawTar().header("sparse", 'S', 0, "").bytes(), "sparse"),
                Arguments.of("PAX sparse file", new RawTar().pax("sparse", RawTar.record("GNU.sparse.major", "1"))
                        .file("sparse", X).bytes(), "sparse"),
                Arguments.of("file over directory", new RawTar().dir("d").file("d", X).bytes(), "d"),
                Arguments.of("directory over file", new RawTar().file("f", X).dir("f").bytes(), "f"),
                Arguments.of("file under a file", new RawTar().file("f", X).file("f/x", X).bytes(), "f/x"),
                Arguments.of("malformed PAX record", new RawTar().pax("bad", "99 path=x\n").file("x", X).bytes(),
                        "PaxHeaders/bad"),
                Arguments.of("unknown entry type", new RawTar().header("weird", 'V', 0, "").bytes(), "weird"),
                Arguments.of("bad checksum", corruptChecksum(new RawTar().file("victim", X).bytes()), "#1"));
    }

    private static byte[] corruptChecksum(byte[] tar) {
        tar[0] ^= 1; // "victim" becomes "wictim" but the checksum still sums "victim"
        return tar;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void refusedWithoutTouchingAnythingOutside(String label, byte[] layer, String offender) {
        assertThatThrownBy(() -> LayerExtractor.extract(new ByteArrayInputStream(layer), target, ExtractOptions.defaults()))
                .as(label)
                .isInstanceOf(OciException.class)
                .hasMessageContaining(offender);
        assertThat(Trees.describeExcept(dir, target)).as(label).isEqualTo(outsideBefore);
        assertThat(dir.resolve("etc/sentinel")).hasContent("untouched");
    }

    @ParameterizedTest(name = "{0} (gzip)")
    @MethodSource("corpus")
    void refusedWhenCompressedToo(String label, byte[] layer, String offender) throws IOException {
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (OutputStream out = new GZIPOutputStream(gz)) {
            out.write(layer);
        }
        assertThatThrownBy(() -> LayerExtractor.extract(new ByteArrayInputStream(gz.toByteArray()), target,
                ExtractOptions.defaults())).as(label).isInstanceOf(OciException.class).hasMessageContaining(offender);
        assertThat(Trees.describeExcept(dir, target)).as(label).isEqualTo(outsideBefore);
    }

    /** A long-name header that really is huge (1 GiB of zeros streamed, never stored) is refused before it is read. */
    @Test
    void hugeLongNameIsRefusedBeforeItIsRead() {
        byte[] header = new RawTar().header("././@LongLink", 'L', 1L << 30, "").truncated();
        InputStream endless = new InputStream() {
            long served;

            @Override
            public int read() {
                return served++ < (1L << 30) ? 0 : -1;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (served >= (1L << 30)) {
                    return -1;
                }
                int n = (int) Math.min(len, (1L << 30) - served);
                java.util.Arrays.fill(b, off, off + n, (byte) 'a');
                served += n;
                return n;
            }
        };
        long start = System.nanoTime();
        assertThatThrownBy(() -> LayerExtractor.extract(new SequenceInputStream(new ByteArrayInputStream(header), endless),
                target, ExtractOptions.defaults())).isInstanceOf(OciException.class).hasMessageContaining("GNU long name");
        assertThat(System.nanoTime() - start).isLessThan(5_000_000_000L);
    }

    @Test
    void endlessDataAfterTheEndOfArchiveIsRefused() {
        byte[] tar = new RawTar().file("ok", X).bytes();
        byte[] padded = java.util.Arrays.copyOf(tar, tar.length + (2 << 20));
        assertThatThrownBy(() -> LayerExtractor.extract(new ByteArrayInputStream(padded), target,
                ExtractOptions.defaults())).isInstanceOf(OciException.class).hasMessageContaining("end-of-archive");
        byte[] gnuPadding = java.util.Arrays.copyOf(tar, 10240);
        assertThat(LayerExtractor.extract(new ByteArrayInputStream(gnuPadding), target, ExtractOptions.defaults())
                .uncompressedSize()).isEqualTo(10240);
    }

    @Test
    void preExistingEscapingSymlinkIsNotFollowedAsFinalComponent() throws IOException {
        Files.createSymbolicLink(target.resolve("evil"), dir.resolve("outside"));
        LayerExtractor.extract(new ByteArrayInputStream(new RawTar().file("evil", X).bytes()), target,
                ExtractOptions.defaults());
        assertThat(dir.resolve("outside")).hasContent("untouched");
        assertThat(target.resolve("evil")).hasContent("pwned");
    }

    @Test
    void preExistingEscapingSymlinkIsResolvedInsideTheTargetAsParent() throws IOException {
        Files.createSymbolicLink(target.resolve("evil"), Path.of("../../.."));
        Files.createSymbolicLink(target.resolve("abs"), dir.resolve("etc"));
        LayerExtractor.extract(new ByteArrayInputStream(new RawTar().file("evil/etc/x", X).file("abs/y", X).bytes()),
                target, ExtractOptions.defaults());
        assertThat(Trees.describeExcept(dir, target)).isEqualTo(outsideBefore);
        assertThat(target.resolve("etc/x")).hasContent("pwned");
        // the absolute target is re-rooted: <target>/<dir>/etc/y, not <dir>/etc/y
        assertThat(target.resolve(dir.getRoot().relativize(dir)).resolve("etc/y")).hasContent("pwned");
    }

    @Test
    void whiteoutsCannotReachOutside() throws IOException {
        Files.createSymbolicLink(target.resolve("up"), Path.of("../../.."));
        LayerExtractor.extract(new ByteArrayInputStream(new RawTar().file("up/.wh.outside", new byte[0])
                .file("up/etc/.wh..wh..opq", new byte[0]).bytes()), target, ExtractOptions.defaults());
        assertThat(Trees.describeExcept(dir, target)).isEqualTo(outsideBefore);
        assertThatThrownBy(() -> LayerExtractor.extract(new ByteArrayInputStream(
                new RawTar().file("../.wh.outside", new byte[0]).bytes()), target, ExtractOptions.defaults()))
                .isInstanceOf(OciException.class).hasMessageContaining("../.wh.outside");
        assertThat(Trees.describeExcept(dir, target)).isEqualTo(outsideBefore);
    }
}
