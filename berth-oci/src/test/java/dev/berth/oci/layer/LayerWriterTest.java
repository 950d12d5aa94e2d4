package dev.berth.oci.layer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.oci.OciException;
import dev.berth.oci.digest.Digest;
import dev.berth.oci.image.Compression;
import dev.berth.oci.image.MediaTypes;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class LayerWriterTest {
    static final LayerOptions OPTIONS = new LayerOptions(Compression.GZIP, 6, 1_700_000_000L, 0, 0);

    /** A tree with every kind of thing a layer holds, including the awkward ones. */
    static Path sampleTree(Path root) throws IOException {
        Files.createDirectories(root.resolve("usr/bin"));
        Files.writeString(root.resolve("usr/bin/tool"), "#!/bin/sh\necho hi\n");
        Files.setAttribute(root.resolve("usr/bin/tool"), "unix:mode", 04755);
        Files.createDirectories(root.resolve("tmp"));
        Files.setAttribute(root.resolve("tmp"), "unix:mode", 01777);
        Files.createDirectories(root.resolve("srv/shared"));
        Files.setAttribute(root.resolve("srv/shared"), "unix:mode", 02775);
        Files.write(root.resolve("srv/data.bin"), CompressorsTest.sample(300_000, 1));
        Files.createLink(root.resolve("srv/data-hardlink.bin"), root.resolve("srv/data.bin"));
        Files.createSymbolicLink(root.resolve("usr/bin/alias"), Path.of("tool"));
        Files.createSymbolicLink(root.resolve("etc-link"), Path.of("/etc/os-release"));
        Files.createSymbolicLink(root.resolve("dangling"), Path.of("nowhere/at/all"));
        String longDir = "d".repeat(120);
        Files.createDirectories(root.resolve(longDir));
        Files.writeString(root.resolve(longDir + "/" + "f".repeat(200)), "long name");
        Files.writeString(root.resolve("ünïcødé-名前.txt"), "unicode");
        Files.writeString(root.resolve("empty"), "");
        Files.setAttribute(root.resolve("empty"), "unix:mode", 0600);
        Files.createDirectories(root.resolve("a-b"));
        Files.createDirectories(root.resolve("a/b"));
        Files.writeString(root.resolve("a/b/c"), "c");
        return root;
    }

    static WrittenLayer write(Path tree, LayerOptions options, ByteArrayOutputStream sink) {
        return LayerWriter.writeTree(tree, sink, options);
    }

    @ParameterizedTest
    @EnumSource(Compression.class)
    void descriptorAndDiffIdDescribeTheBytes(Compression compression, @TempDir Path dir) throws IOException {
        Path tree = sampleTree(dir.resolve("tree"));
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        WrittenLayer layer = write(tree, OPTIONS.withCompression(compression), sink);
        byte[] blob = sink.toByteArray();
        byte[] tar = Compressors.decompress(new ByteArrayInputStream(blob), compression).readAllBytes();

        assertThat(layer.blob().mediaType()).isEqualTo(MediaTypes.ociLayer(compression));
        assertThat(layer.blob().digest()).isEqualTo(Digest.sha256(blob));
        assertThat(layer.blob().size()).isEqualTo(blob.length);
        assertThat(layer.diffId()).isEqualTo(Digest.sha256(tar));
        assertThat(layer.uncompressedSize()).isEqualTo(tar.length);
        assertThat(Compressors.detect(blob)).isEqualTo(compression);
    }

    @ParameterizedTest
    @EnumSource(Compression.class)
    void systemToolsReadTheLayer(Compression compression, @TempDir Path dir) throws IOException {
        Path tree = sampleTree(dir.resolve("tree"));
        String file = "layer.tar" + switch (compression) {
            case NONE -> "";
            case GZIP -> ".gz";
            case ZSTD -> ".zst";
        };
        try (var out = Files.newOutputStream(dir.resolve(file))) {
            LayerWriter.writeTree(tree, out, OPTIONS.withCompression(compression));
        }
        switch (compression) {
            case GZIP -> Trees.run(dir, "gzip", "-t", file);
            case ZSTD -> Trees.run(dir, "zstd", "-q", "-t", file);
            case NONE -> { }
        }
        String listing = Trees.run(dir, "tar", "--numeric-owner", "--full-time", "-tvf", file);
        assertThat(listing).contains("usr/bin/tool").contains("rwsr-xr-x").contains("drwxrwxrwt")
                .contains("drwxrwsr-x").contains("usr/bin/alias -> tool")
                .contains("srv/data.bin link to srv/data-hardlink.bin")
                .contains("d".repeat(120) + "/" + "f".repeat(200)).contains("ünïcødé-名前.txt")
                .contains(" 0/0 ").doesNotContain("root").contains("2023-11-14 22:13:20");
        Path out = Files.createDirectory(dir.resolve("by-tar"));
        Trees.run(out, "tar", "-xf", dir.resolve(file).toString());
        assertThat(Trees.describe(out)).isEqualTo(Trees.describe(tree));
    }

    @Test
    void entriesAreSortedByPathBytesWithDirectoriesFirst(@TempDir Path dir) throws IOException {
        Path tree = sampleTree(dir.resolve("tree"));
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        write(tree, OPTIONS.withCompression(Compression.NONE), sink);
        Files.write(dir.resolve("l.tar"), sink.toByteArray());
        List<String> names = Trees.run(dir, "tar", "-tf", "l.tar").lines().toList();
        List<String> sorted = new ArrayList<>(names);
        sorted.sort((a, b) -> Utf8.BYTE_ORDER.compare(strip(a), strip(b)));
        assertThat(names).isEqualTo(sorted);
        assertThat(names).containsSubsequence("a/", "a-b/").containsSubsequence("a/", "a/b/", "a/b/c")
                .containsSubsequence("srv/", "srv/data-hardlink.bin", "srv/data.bin");
    }

    private static String strip(String name) {
        return name.endsWith("/") ? name.substring(0, name.length() - 1) : name;
    }

    @Test
    void sourceTimesOwnersAndOrderDoNotMatter(@TempDir Path dir) throws IOException {
        Path tree = sampleTree(dir.resolve("tree"));
        WrittenLayer first = write(tree, OPTIONS, new ByteArrayOutputStream());
        try (var walk = Files.walk(tree)) {
            for (Path p : walk.toList()) {
                if (!Files.isSymbolicLink(p)) {
                    Files.setLastModifiedTime(p, FileTime.fromMillis(123_456_789_000L));
                }
            }
        }
        // (chown would clear the setuid bit of usr/bin/tool: a real change; so only plain files change owner)
        Files.setAttribute(tree.resolve("empty"), "unix:uid", 4242);
        Files.setAttribute(tree.resolve("a/b/c"), "unix:gid", 4242);
        WrittenLayer second = write(tree, OPTIONS, new ByteArrayOutputStream());
        assertThat(second).isEqualTo(first);
        assertThat(write(tree, OPTIONS.withMtime(1), new ByteArrayOutputStream()).diffId()).isNotEqualTo(first.diffId());
    }

    @Test
    void explicitEntriesFromBytesAndFiles(@TempDir Path dir) throws IOException {
        Path source = Files.writeString(dir.resolve("source.txt"), "from a file");
        List<LayerEntry> entries = List.of(
                LayerEntry.file("/app/config.json", "{}".getBytes(), 0640).withOwner(1000, 1000),
                LayerEntry.directory("app", 0755),
                LayerEntry.file("app/from-file.txt", source, 0644),
                LayerEntry.hardLink("app/aaa-link", "app/from-file.txt"),
                LayerEntry.symlink("app/current", "config.json"));
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        LayerWriter.writeEntries(entries, sink, OPTIONS.withCompression(Compression.NONE));
        Files.write(dir.resolve("l.tar"), sink.toByteArray());
        String listing = Trees.run(dir, "tar", "--numeric-owner", "-tvf", "l.tar");
        assertThat(listing.lines().map(l -> l.replaceAll("\\s+", " ")).toList()).containsExactly(
                "drwxr-xr-x 0/0 0 2023-11-14 22:13 app/",
                "-rw-r--r-- 0/0 11 2023-11-14 22:13 app/aaa-link",
                "-rw-r----- 1000/1000 2 2023-11-14 22:13 app/config.json",
                "lrwxrwxrwx 0/0 0 2023-11-14 22:13 app/current -> config.json",
                "hrw-r--r-- 0/0 0 2023-11-14 22:13 app/from-file.txt link to app/aaa-link");
    }

    @Test
    void entryOrderInTheListDoesNotMatter(@TempDir Path dir) {
        List<LayerEntry> entries = new ArrayList<>(List.of(
                LayerEntry.directory("b", 0755), LayerEntry.file("b/x", new byte[] {1}, 0644),
                LayerEntry.file("a", new byte[] {2}, 0600), LayerEntry.symlink("c", "b/x")));
        WrittenLayer one = LayerWriter.writeEntries(entries, new ByteArrayOutputStream(), OPTIONS);
        java.util.Collections.reverse(entries);
        assertThat(LayerWriter.writeEntries(entries, new ByteArrayOutputStream(), OPTIONS)).isEqualTo(one);
    }

    @Test
    void refusesContradictoryEntryLists() {
        assertThatThrownBy(() -> LayerWriter.order(List.of(LayerEntry.file("a", new byte[0], 0644),
                LayerEntry.file("./a", new byte[0], 0644))))
                .isInstanceOf(OciException.class).hasMessageContaining("'a' appears twice");
        assertThatThrownBy(() -> LayerWriter.order(List.of(LayerEntry.file("a", new byte[0], 0644),
                LayerEntry.file("a/b", new byte[0], 0644))))
                .isInstanceOf(OciException.class).hasMessageContaining("'a/b' is inside 'a'");
        assertThatThrownBy(() -> LayerWriter.order(List.of(LayerEntry.hardLink("h", "missing"))))
                .isInstanceOf(OciException.class).hasMessageContaining("hard link 'h'");
        assertThatThrownBy(() -> LayerWriter.order(List.of(LayerEntry.file("../x", new byte[0], 0644))))
                .isInstanceOf(OciException.class).hasMessageContaining("'../x'");
    }

    @Test
    void paxHeadersCarryWhatUstarCannot(@TempDir Path dir) throws IOException {
        String longName = "x".repeat(300);
        List<LayerEntry> entries = List.of(
                LayerEntry.file(longName, new byte[] {1}, 0644).withOwner(3_000_000, 7),
                LayerEntry.symlink("s", "t".repeat(150)));
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        LayerWriter.writeEntries(entries, sink, OPTIONS.withCompression(Compression.NONE));
        Files.write(dir.resolve("l.tar"), sink.toByteArray());
        String listing = Trees.run(dir, "tar", "--numeric-owner", "-tvf", "l.tar");
        assertThat(listing).contains("3000000/7").contains(longName).contains("s -> " + "t".repeat(150));
        assertThat(new String(sink.toByteArray(), java.nio.charset.StandardCharsets.ISO_8859_1))
                .doesNotContain("atime").doesNotContain("ctime");
    }

    @Test
    void sourceDateEpoch() {
        assertThat(LayerOptions.sourceDateEpoch(Map.of())).isZero();
        assertThat(LayerOptions.sourceDateEpoch(Map.of("SOURCE_DATE_EPOCH", "1700000000"))).isEqualTo(1_700_000_000L);
        assertThatThrownBy(() -> LayerOptions.sourceDateEpoch(Map.of("SOURCE_DATE_EPOCH", "yesterday")))
                .isInstanceOf(OciException.class).hasMessageContaining("SOURCE_DATE_EPOCH");
    }
}
