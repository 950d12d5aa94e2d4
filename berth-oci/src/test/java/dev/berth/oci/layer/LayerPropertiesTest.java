package dev.berth.oci.layer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.oci.image.Compression;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;
import dev.berth.oci.testing.Gen;
import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Determinism and round-trip properties over generated trees and entry lists; each seed is one reproducible case. */
class LayerPropertiesTest {
    private static final LayerOptions OPTIONS = LayerWriterTest.OPTIONS;

    /** One thing to put in a tree; parents are made as directories, conflicting ops are skipped. */
    record Op(List<String> path, int kind, int mode, byte[] content, String target) {
    }

    private static final String[] NAMES = {"a", "b", "a-b", "a.b", "a b", "é", "名", ".hidden", "x".repeat(120), "Z"};
    private static final Integer[] MODES = {0644, 0755, 0600, 0444, 04755, 02755, 01777, 0700, 0555, 02775};

    static LongStream seeds() {
        return Gen.seeds(40);
    }

    static LongStream manySeeds() {
        return Gen.seeds(100);
    }

    static List<Op> tree(Gen gen) {
        return gen.list(0, 30, () -> new Op(
                gen.list(1, 4, () -> gen.oneOf(NAMES)),
                gen.between(0, 9),
                gen.oneOf(MODES),
                gen.bytes(gen.between(0, 3000)),
                gen.chance(0.5) ? String.join("/", gen.list(1, 3, () -> gen.oneOf(NAMES)))
                        : gen.oneOf("/usr/bin/env", "/etc/os-release", "./a", "a/../b")));
    }

    /** Materializes the ops; returns the root. Kinds: 0-4 file, 5-6 directory, 7-8 symlink, 9 hard link. */
    static Path build(Path root, List<Op> ops) throws IOException {
        Files.createDirectories(root);
        List<Path> files = new ArrayList<>();
        for (Op op : ops) {
            Path path = root;
            boolean ok = true;
            for (String part : op.path().subList(0, op.path().size() - 1)) {
                path = path.resolve(part);
                if (!Files.exists(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    Files.createDirectory(path);
                } else if (!Files.isDirectory(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    ok = false;
                    break;
                }
            }
            path = path.resolve(op.path().getLast());
            if (!ok || Files.exists(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                continue;
            }
            if (op.kind() <= 4) {
                Files.write(path, op.content());
                Files.setAttribute(path, "unix:mode", op.mode() & ~01000);
                files.add(path);
            } else if (op.kind() <= 6) {
                Files.createDirectory(path);
                Files.setAttribute(path, "unix:mode", op.mode());
            } else if (op.kind() <= 8) {
                Files.createSymbolicLink(path, Path.of(op.target()));
            } else if (!files.isEmpty()) {
                Files.createLink(path, files.get(Math.floorMod(op.mode(), files.size())));
            }
        }
        return root;
    }

    static void withTempDir(IOConsumer body) throws IOException {
        Path dir = Files.createTempDirectory("berth-layer-prop");
        try {
            body.accept(dir);
        } finally {
            Trees.deleteTree(dir);
        }
    }

    interface IOConsumer {
        void accept(Path dir) throws IOException;
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void sameTreeSameDigestsWhateverTheSourceTimes(long seed) throws IOException {
        Gen gen = new Gen(seed);
        List<Op> ops = tree(gen);
        long timeSeed = gen.nextLong();
        withTempDir(dir -> {
            Path tree = build(dir.resolve("tree"), ops);
            WrittenLayer first = LayerWriter.writeTree(tree, new ByteArrayOutputStream(), OPTIONS);
            Random random = new Random(timeSeed);
            try (Stream<Path> walk = Files.walk(tree)) {
                for (Path p : walk.toList()) {
                    if (!Files.isSymbolicLink(p)) {
                        Files.setLastModifiedTime(p, FileTime.fromMillis(random.nextLong(0, 4_000_000_000_000L)));
                    }
                }
            }
            WrittenLayer second = LayerWriter.writeTree(tree, new ByteArrayOutputStream(), OPTIONS);
            assertThat(second).isEqualTo(first);
        });
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void writeThenExtractGivesTheSameTree(long seed) throws IOException {
        Gen gen = new Gen(seed);
        List<Op> ops = tree(gen);
        Compression compression = gen.oneOf(Compression.values());
        withTempDir(dir -> {
            Path tree = build(dir.resolve("tree"), ops);
            ByteArrayOutputStream sink = new ByteArrayOutputStream();
            WrittenLayer written = LayerWriter.writeTree(tree, sink, OPTIONS.withCompression(compression));
            Path target = Files.createDirectory(dir.resolve("target"));
            ExtractResult result = LayerExtractor.extract(new ByteArrayInputStream(sink.toByteArray()), target,
                    ExtractOptions.defaults());
            assertThat(Trees.describe(target)).isEqualTo(Trees.describe(tree));
            assertThat(result.diffId()).isEqualTo(written.diffId());
            // and what was extracted writes back to the very same layer
            assertThat(LayerWriter.writeTree(target, new ByteArrayOutputStream(), OPTIONS.withCompression(compression)))
                    .isEqualTo(written);
        });
    }

    static List<LayerEntry> entryList(Gen gen) {
        List<LayerEntry> entries = gen.list(0, 20, () -> {
            String name;
            do {
                name = gen.string("abc-./é", 1, 6);
            } while (name.contains("..") || name.replace("/", "").replace(".", "").isEmpty());
            return switch (gen.between(0, 2)) {
                case 0 -> LayerEntry.file("f/" + name, gen.bytes(gen.between(0, 100)), gen.between(0, 07777));
                case 1 -> LayerEntry.symlink("s/" + name, gen.string("abc-./é", 1, 6));
                default -> {
                    int mode = gen.between(0, 07777);
                    yield LayerEntry.file("f/" + name, gen.bytes(gen.between(0, 100)), mode).withOwner(mode, mode * 7L);
                }
            };
        });
        return uniqueWithParents(entries);
    }

    private static List<LayerEntry> uniqueWithParents(List<LayerEntry> entries) {
        Map<String, LayerEntry> byPath = new TreeMap<>();
        byPath.put("f", LayerEntry.directory("f", 0755));
        byPath.put("s", LayerEntry.directory("s", 0755));
        for (LayerEntry e : entries) {
            String path = LayerPaths.normalizeForWriting(e.path());
            boolean clash = byPath.keySet().stream().anyMatch(p -> p.equals(path) || p.startsWith(path + "/")
                    || path.startsWith(p + "/") && byPath.get(p).kind() != LayerEntry.Kind.DIRECTORY);
            if (!clash) {
                byPath.put(path, e);
            }
        }
        return new ArrayList<>(byPath.values());
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("manySeeds")
    void entryListOrderDoesNotMatter(long seed) {
        Gen gen = new Gen(seed);
        List<LayerEntry> entries = entryList(gen);
        WrittenLayer reference = LayerWriter.writeEntries(entries, new ByteArrayOutputStream(), OPTIONS);
        List<LayerEntry> shuffled = new ArrayList<>(entries);
        Collections.shuffle(shuffled, new Random(gen.nextLong()));
        assertThat(LayerWriter.writeEntries(shuffled, new ByteArrayOutputStream(), OPTIONS)).isEqualTo(reference);
        assertThat(LayerWriter.writeEntries(shuffled, new ByteArrayOutputStream(), OPTIONS.withCompression(Compression.ZSTD))
                .diffId()).isEqualTo(reference.diffId());
    }
}
