package dev.berth.oci.layer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.oci.image.Compression;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

@org.junit.jupiter.api.Timeout(120) // a FIFO opened by mistake would block forever
class LayerExtractorTest {
    static final ExtractOptions OPTIONS = ExtractOptions.defaults();

    static byte[] layer(List<LayerEntry> entries) {
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        LayerWriter.writeEntries(entries, sink, LayerWriterTest.OPTIONS.withCompression(Compression.NONE));
        return sink.toByteArray();
    }

    static ExtractResult extract(byte[] layer, Path target) {
        return LayerExtractor.extract(new ByteArrayInputStream(layer), target, OPTIONS);
    }

    @ParameterizedTest
    @EnumSource(Compression.class)
    void roundTripGivesTheSameTree(Compression compression, @TempDir Path dir) throws IOException {
        Path tree = LayerWriterTest.sampleTree(dir.resolve("tree"));
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        WrittenLayer written = LayerWriter.writeTree(tree, sink, LayerWriterTest.OPTIONS.withCompression(compression));
        Path target = Files.createDirectory(dir.resolve("target"));

        ExtractResult result = LayerExtractor.extract(new ByteArrayInputStream(sink.toByteArray()), target, OPTIONS);

        assertThat(Trees.describe(target)).isEqualTo(Trees.describe(tree));
        assertThat(result.diffId()).isEqualTo(written.diffId());
        assertThat(result.uncompressedSize()).isEqualTo(written.uncompressedSize());
        assertThat(result.entries()).isEqualTo(LayerTree.scan(tree, 0, 0).size());
        assertThat(Files.getLastModifiedTime(target.resolve("usr/bin/tool")))
                .isEqualTo(FileTime.fromMillis(1_700_000_000_000L));
        assertThat(Files.getLastModifiedTime(target.resolve("usr"))).isEqualTo(FileTime.fromMillis(1_700_000_000_000L));
        assertThat(Files.getLastModifiedTime(target.resolve("usr/bin/alias"), LinkOption.NOFOLLOW_LINKS))
                .isEqualTo(FileTime.fromMillis(1_700_000_000_000L));
    }

    @Test
    void readsArchivesMadeByGnuTar(@TempDir Path dir) throws IOException {
        Path tree = LayerWriterTest.sampleTree(dir.resolve("tree"));
        for (String format : List.of("gnu", "pax", "ustar-ish")) {
            Path archive = dir.resolve(format + ".tar.gz");
            if (format.equals("ustar-ish")) { // v7-style names with a ./ prefix, as `tar -C dir .` writes
                Trees.run(tree, "tar", "-czf", archive.toString(), ".");
            } else {
                Trees.run(tree, "tar", "--format=" + format, "-czf", archive.toString(), ".");
            }
            Path target = Files.createDirectory(dir.resolve("t-" + format));
            LayerExtractor.extract(Files.newInputStream(archive), target, OPTIONS);
            assertThat(Trees.describe(target)).as(format).isEqualTo(Trees.describe(tree));
        }
    }

    @Test
    void appliesOwnershipWhenAsked(@TempDir Path dir) throws IOException {
        byte[] layer = layer(List.of(LayerEntry.file("f", "x".getBytes(), 04750).withOwner(1234, 5678),
                LayerEntry.symlink("l", "f").withOwner(11, 12)));
        Path target = Files.createDirectory(dir.resolve("t"));
        LayerExtractor.extract(new ByteArrayInputStream(layer), target, OPTIONS.withOwnership(true));
        assertThat(Files.getAttribute(target.resolve("f"), "unix:uid")).isEqualTo(1234);
        assertThat(Files.getAttribute(target.resolve("f"), "unix:gid")).isEqualTo(5678);
        // chown happened before chmod, so setuid survived
        assertThat((Integer) Files.getAttribute(target.resolve("f"), "unix:mode") & 07777).isEqualTo(04750);
        assertThat(Files.getAttribute(target.resolve("l"), "unix:uid", LinkOption.NOFOLLOW_LINKS)).isEqualTo(11);
    }

    @Test
    void whiteoutRemovesWhatLowerLayersLeft(@TempDir Path dir) throws IOException {
        Path target = Files.createDirectory(dir.resolve("t"));
        extract(layer(List.of(LayerEntry.directory("etc", 0755), LayerEntry.file("etc/old.conf", "old".getBytes(), 0644),
                LayerEntry.directory("var/cache", 0755), LayerEntry.file("var/cache/a", "a".getBytes(), 0644),
                LayerEntry.file("keep", "k".getBytes(), 0644))), target);

        ExtractResult result = extract(layer(List.of(LayerEntry.file("etc/.wh.old.conf", new byte[0], 0644),
                LayerEntry.file("var/.wh.cache", new byte[0], 0644),
                LayerEntry.file(".wh.never-existed", new byte[0], 0644))), target);

        assertThat(Trees.describe(target).keySet()).containsExactlyInAnyOrder("etc", "var", "keep");
        assertThat(result.entries()).isEqualTo(3);
    }

    @Test
    void opaqueDirectoryKeepsOnlyThisLayersContent(@TempDir Path dir) throws IOException {
        Path target = Files.createDirectory(dir.resolve("t"));
        extract(layer(List.of(LayerEntry.directory("app", 0755), LayerEntry.file("app/lower", "l".getBytes(), 0644),
                LayerEntry.directory("app/sub", 0755), LayerEntry.file("app/sub/lower2", "l".getBytes(), 0644),
                LayerEntry.file("app/replaced", "lower".getBytes(), 0644), LayerEntry.file("other", "o".getBytes(), 0644))),
                target);

        // "app/-new" sorts before ".wh..wh..opq", so the opaque marker must spare what this layer already wrote.
        extract(layer(List.of(LayerEntry.directory("app", 0700), LayerEntry.file("app/-new", "n".getBytes(), 0644),
                LayerEntry.file("app/.wh..wh..opq", new byte[0], 0644),
                LayerEntry.file("app/replaced", "upper".getBytes(), 0644),
                LayerEntry.file("app/sub/new2", "n".getBytes(), 0644))), target);

        assertThat(Trees.describe(target).keySet())
                .containsExactlyInAnyOrder("app", "app/-new", "app/replaced", "app/sub", "app/sub/new2", "other");
        assertThat(Files.readString(target.resolve("app/replaced"))).isEqualTo("upper");
        assertThat((Integer) Files.getAttribute(target.resolve("app"), "unix:mode") & 0777).isEqualTo(0700);
    }

    @Test
    void laterLayerReplacesFilesAndSymlinksWithoutFollowingThem(@TempDir Path dir) throws IOException {
        Path outside = Files.writeString(dir.resolve("outside.txt"), "precious");
        Path target = Files.createDirectory(dir.resolve("t"));
        Files.createSymbolicLink(target.resolve("f"), outside); // a lower layer's (or attacker's) link
        Files.createSymbolicLink(target.resolve("dangling"), dir.resolve("would-be-created"));

        extract(layer(List.of(LayerEntry.file("f", "new".getBytes(), 0644),
                LayerEntry.file("dangling", "new".getBytes(), 0644))), target);

        assertThat(Files.readString(outside)).isEqualTo("precious");
        assertThat(dir.resolve("would-be-created")).doesNotExist();
        assertThat(Files.isSymbolicLink(target.resolve("f"))).isFalse();
        assertThat(Files.readString(target.resolve("f"))).isEqualTo("new");
    }

    @Test
    void parentSymlinksResolveInsideTheTarget(@TempDir Path dir) throws IOException {
        Path target = Files.createDirectory(dir.resolve("t"));
        Files.createDirectories(target.resolve("usr/lib"));
        Files.createSymbolicLink(target.resolve("lib"), Path.of("usr/lib"));       // merged /usr, relative
        Files.createSymbolicLink(target.resolve("abs"), Path.of("/usr/lib"));      // absolute: rooted at target
        Files.createSymbolicLink(target.resolve("up"), Path.of("../../../../.."));  // '..' stops at the root

        extract(layer(List.of(LayerEntry.file("lib/a.so", "a".getBytes(), 0644),
                LayerEntry.file("abs/b.so", "b".getBytes(), 0644),
                LayerEntry.file("up/c", "c".getBytes(), 0644),
                LayerEntry.file("up/usr/lib/d", "d".getBytes(), 0644))), target);

        assertThat(target.resolve("usr/lib/a.so")).hasContent("a");
        assertThat(target.resolve("usr/lib/b.so")).hasContent("b");
        assertThat(target.resolve("c")).hasContent("c");
        assertThat(target.resolve("usr/lib/d")).hasContent("d");
        try (var list = Files.list(dir)) {
            assertThat(list.map(p -> p.getFileName().toString())).containsExactly("t");
        }
    }

    @Test
    void createsDevicesAndFifosWhenAllowed(@TempDir Path dir) throws IOException {
        byte[] layer = layer(List.of(LayerEntry.fifo("pipe", 0620), LayerEntry.device("null", false, 1, 3, 0666)));
        Path target = Files.createDirectory(dir.resolve("t"));
        LayerExtractor.extract(new ByteArrayInputStream(layer), target, OPTIONS.withSpecialFiles(true));
        assertThat((Integer) Files.getAttribute(target.resolve("pipe"), "unix:mode", LinkOption.NOFOLLOW_LINKS))
                .isEqualTo(0010620);
        assertThat((Integer) Files.getAttribute(target.resolve("null"), "unix:mode", LinkOption.NOFOLLOW_LINKS))
                .isEqualTo(0020666);
        assertThat(Files.getAttribute(target.resolve("null"), "unix:rdev", LinkOption.NOFOLLOW_LINKS)).isEqualTo(0x103L);
        // and the writer reads them back from a tree
        List<LayerEntry> scanned = LayerTree.scan(target, 0, 0);
        assertThat(scanned).extracting(LayerEntry::kind)
                .containsExactly(LayerEntry.Kind.CHAR_DEVICE, LayerEntry.Kind.FIFO);
        assertThat(scanned.getFirst().devMajor()).isEqualTo(1);
        assertThat(scanned.getFirst().devMinor()).isEqualTo(3);
    }

    @Test
    void hardLinkToALowerLayersFile(@TempDir Path dir) throws IOException {
        Path target = Files.createDirectory(dir.resolve("t"));
        Files.writeString(target.resolve("lower"), "shared");
        extract(new RawTar().hardLink("upper", "lower").bytes(), target);
        assertThat(Files.isSameFile(target.resolve("upper"), target.resolve("lower"))).isTrue();
    }
}
