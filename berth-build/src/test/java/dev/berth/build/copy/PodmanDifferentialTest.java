package dev.berth.build.copy;

import static dev.berth.build.copy.Trees.chown;
import static dev.berth.build.copy.Trees.dir;
import static dev.berth.build.copy.Trees.file;
import static dev.berth.build.copy.Trees.symlink;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.berth.build.context.BuildContext;
import dev.berth.build.context.FileHashCache;
import dev.berth.build.dockerfile.Instruction;
import dev.berth.build.dockerfile.SourcePosition;
import dev.berth.oci.json.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same COPY/ADD instructions built by {@code podman build} (Buildah) from scratch and by this package, layer by
 * layer: the resulting file trees (names, modes, owners, contents, symlinks) must be the same. Podman runs with its own
 * temporary storage (vfs) so the machine's store is never touched. Buildah of this podman lacks --parents, --exclude
 * and COPY heredocs; those are covered against the reference in {@link CopyStepTest}.
 */
class PodmanDifferentialTest {
    @TempDir
    Path temp;

    /** One instruction, written once and turned into both the Dockerfile line and a request. */
    record Line(String keyword, String from, String chown, String chmod, List<String> sources, String destination) {
        static Line copy(String chown, String chmod, String... words) {
            return new Line("COPY", null, chown, chmod, List.of(words).subList(0, words.length - 1), words[words.length - 1]);
        }

        static Line add(String... words) {
            return new Line("ADD", null, null, null, List.of(words).subList(0, words.length - 1), words[words.length - 1]);
        }

        static Line copyFrom(String from, String... words) {
            return new Line("COPY", from, null, null, List.of(words).subList(0, words.length - 1), words[words.length - 1]);
        }

        String text() {
            return keyword + (from == null ? "" : " --from=" + from) + (chown == null ? "" : " --chown=" + chown)
                    + (chmod == null ? "" : " --chmod=" + chmod) + " " + String.join(" ", sources) + " " + destination;
        }

        CopyRequest request(BuildContext context, CopySource source) {
            Instruction.CopySpec spec = new Instruction.CopySpec(sources, destination, chown, chmod, false, false,
                    List.of(), List.of());
            SourcePosition at = new SourcePosition("Dockerfile", 1, 1);
            return keyword.equals("ADD")
                    ? CopyRequest.of(new Instruction.Add(at, text(), spec, null, false), context, "/")
                    : CopyRequest.of(new Instruction.Copy(at, text(), spec, from), source, "/");
        }
    }

    static final List<Line> STAGE = List.of(
            Line.copy("33:44", "700", "dir", "/tool/"),
            Line.copy(null, null, "a.txt", "/tool/sub/"));

    static final List<Line> FINAL = List.of(
            Line.copy(null, null, "a.txt", "/dest"),
            Line.copy(null, null, "dir", "/d"),
            Line.copy(null, null, "a.txt", "/d"), // /d exists as a directory now: the file goes inside
            Line.copy(null, null, "to-a", "/s/"),
            Line.copy(null, null, "to-dir/sub", "/s2/"),
            Line.copy("7:8", "751", "dir", "/n/x/"),
            Line.copy(null, null, "*.txt", "/g/"),
            Line.copy(null, null, "di?", "[r]un.sh", "/w/"),
            Line.copy(null, null, "dir/*/*.txt", "/deep/"),
            Line.copy(null, null, "a.txt", "c.txt", "rel/"),
            Line.copy("42", null, "a.txt", "/own/"),
            Line.copy(null, "640", "run.sh", "/m/"),
            Line.copy(null, null, "hard", "/hard/"),
            Line.copy(null, null, "dir/sub", "/d/sub"), // onto an existing directory
            Line.add("bundle.tgz", "/opt/"),
            Line.copy(null, null, "rootlinks", "/"), // /app -> /opt/app, /lnfile -> /dest
            Line.copy(null, null, "a.txt", "/app/"),
            Line.copy(null, null, "c.txt", "/app"),
            Line.copy("5:5", null, "dir/sub", "/app/newdir/"),
            Line.copy(null, null, "run.sh", "/lnfile"),
            Line.add("fake.tar.gz", "/fake/"),
            Line.copy(null, null, "dir/", "/trailing"),
            Line.copyFrom("stage", "/tool", "/fromstage/"),
            Line.copyFrom("stage", "/tool/b.txt", "/fromstage-file"));

    @Test
    void copyTreesMatchPodmanBuild() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/podman")), "podman is not installed");
        Path context = Files.createDirectories(temp.resolve("context"));
        file(context, "a.txt", "A", 0644);
        file(context, "c.txt", "C", 0640);
        file(context, "run.sh", "#!/bin/sh", 0755);
        dir(context, "dir", 0750);
        file(context, "dir/b.txt", "B", 0600);
        dir(context, "dir/sub", 0700);
        file(context, "dir/sub/deep.txt", "D", 0644);
        symlink(context, "dir/link", "b.txt");
        symlink(context, "to-a", "a.txt");
        symlink(context, "to-dir", "dir");
        dir(context, "hard", 0755);
        file(context, "hard/one", "same inode", 0644);
        Files.createLink(context.resolve("hard/two"), context.resolve("hard/one"));
        file(context, "fake.tar.gz", "plain text", 0644);
        dir(context, "rootlinks/opt/app", 0755);
        symlink(context, "rootlinks/app", "/opt/app");
        symlink(context, "rootlinks/lnfile", "/dest");
        chown(context.resolve("a.txt"), 1234, 1234);
        writeTarGz(context.resolve("bundle.tgz"));
        String dockerfile = "FROM scratch AS stage\n" + lines(STAGE) + "FROM scratch\n" + lines(FINAL);
        Files.writeString(temp.resolve("Dockerfile"), dockerfile);

        Path podmanTree = podmanBuild(context, temp.resolve("Dockerfile"));

        BuildContext buildContext = BuildContext.withoutIgnoreFile(context);
        FileHashCache hashes = FileHashCache.inMemory();
        Path stageRoot = Files.createDirectories(temp.resolve("ours-stage"));
        for (Line line : STAGE) {
            apply(line.request(buildContext, new CopySource.Context(buildContext)), hashes, stageRoot);
        }
        Path finalRoot = Files.createDirectories(temp.resolve("ours-final"));
        for (Line line : FINAL) {
            CopySource source = line.from() == null ? new CopySource.Context(buildContext)
                    : new CopySource.Filesystem(stageRoot, "stage '" + line.from() + "'");
            apply(line.request(buildContext, source), hashes, finalRoot);
        }

        List<String> ours = Trees.describe(finalRoot);
        List<String> theirs = Trees.describe(podmanTree);
        // The one known difference: a file copied onto a symlink that names a file. BuildKit resolves the whole
        // destination inside the root (the link included) and writes through it, which is what we do; Buildah
        // replaces the link.
        assertThat(ours).contains("l 0:0 lnfile -> /dest", "f 0755 0:0 dest = #!/bin/sh");
        assertThat(theirs).contains("f 0755 0:0 lnfile = #!/bin/sh", "f 0644 0:0 dest = A");
        List<String> known = List.of("l 0:0 lnfile -> /dest", "f 0755 0:0 dest = #!/bin/sh",
                "f 0755 0:0 lnfile = #!/bin/sh", "f 0644 0:0 dest = A");
        assertThat(ours.stream().filter(l -> !known.contains(l)).toList()).as("file tree of\n" + dockerfile)
                .containsExactlyElementsOf(theirs.stream().filter(l -> !known.contains(l)).toList());
        assertThat(ours).hasSizeGreaterThan(40);
    }

    private static String lines(List<Line> lines) {
        StringBuilder text = new StringBuilder();
        for (Line line : lines) {
            text.append(line.text()).append('\n');
        }
        return text.toString();
    }

    /** One step: a fresh layer directory, written by CopyStep, then laid over the root as a layer would be. */
    private void apply(CopyRequest request, FileHashCache hashes, Path root) throws Exception {
        Path layer = Files.createTempDirectory(temp, "layer");
        try (CopyStep step = CopyStep.prepare(request, hashes)) {
            step.apply(root, layer);
        }
        run(List.of("cp", "-a", layer + "/.", root + "/"));
    }

    /** Builds with podman into temporary storage and unpacks the final image's layers. */
    private Path podmanBuild(Path context, Path dockerfile) throws Exception {
        Path conf = Files.writeString(temp.resolve("containers.conf"), "[containers]\ndefault_ulimits = []\n");
        Path storage = temp.resolve("podman-root");
        Path runroot = temp.resolve("podman-runroot");
        List<String> podman = List.of("podman", "--root", storage.toString(), "--runroot", runroot.toString(),
                "--storage-driver", "vfs");
        try {
            List<String> build = new ArrayList<>(podman);
            build.addAll(List.of("build", "--runtime", "runc", "--layers=false", "-f", dockerfile.toString(),
                    "-t", "localhost/berth-copy-diff", context.toString()));
            run(build, conf);
            Path oci = temp.resolve("oci");
            List<String> save = new ArrayList<>(podman);
            save.addAll(List.of("save", "--format", "oci-dir", "-o", oci.toString(), "localhost/berth-copy-diff"));
            run(save, conf);
            Path tree = Files.createDirectories(temp.resolve("podman-tree"));
            for (Path layer : layers(oci)) {
                run(List.of("tar", "--numeric-owner", "-xpf", layer.toString(), "-C", tree.toString()));
            }
            return tree;
        } finally {
            List<String> reset = new ArrayList<>(podman);
            reset.addAll(List.of("rmi", "--all", "--force"));
            run(reset, conf, true);
        }
    }

    private static List<Path> layers(Path oci) throws IOException {
        var index = Json.tree(Files.readAllBytes(oci.resolve("index.json")), "index.json");
        String manifestDigest = index.get("manifests").get(0).get("digest").asString();
        var manifest = Json.tree(Files.readAllBytes(blob(oci, manifestDigest)), "manifest");
        List<Path> layers = new ArrayList<>();
        for (var layer : manifest.get("layers")) {
            layers.add(blob(oci, layer.get("digest").asString()));
        }
        return layers;
    }

    private static Path blob(Path oci, String digest) {
        return oci.resolve("blobs").resolve(digest.substring(0, digest.indexOf(':'))).resolve(digest.substring(digest.indexOf(':') + 1));
    }

    private static void writeTarGz(Path file) throws IOException {
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new GzipCompressorOutputStream(Files.newOutputStream(file)))) {
            TarArchiveEntry dir = new TarArchiveEntry("pkg/");
            dir.setMode(040750);
            tar.putArchiveEntry(dir);
            tar.closeArchiveEntry();
            byte[] data = "tool\n".getBytes(StandardCharsets.UTF_8);
            TarArchiveEntry tool = new TarArchiveEntry("pkg/bin/tool");
            tool.setMode(0100755);
            tool.setSize(data.length);
            tool.setIds(1000, 1000);
            tar.putArchiveEntry(tool);
            tar.write(data);
            tar.closeArchiveEntry();
            TarArchiveEntry link = new TarArchiveEntry("pkg/current", TarArchiveEntry.LF_SYMLINK);
            link.setLinkName("bin/tool");
            tar.putArchiveEntry(link);
            tar.closeArchiveEntry();
        }
    }

    private void run(List<String> command) throws Exception {
        run(command, null, false);
    }

    private void run(List<String> command, Path conf) throws Exception {
        run(command, conf, false);
    }

    private void run(List<String> command, Path conf, boolean ignoreFailure) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        if (conf != null) {
            builder.environment().put("CONTAINERS_CONF", conf.toString());
        }
        Path log = Files.createTempFile(temp, "cmd", ".log");
        builder.redirectOutput(log.toFile());
        Process process = builder.start();
        if (!process.waitFor(5, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new AssertionError("timed out: " + String.join(" ", command));
        }
        if (process.exitValue() != 0 && !ignoreFailure) {
            throw new AssertionError(String.join(" ", command) + " failed:\n" + Files.readString(log));
        }
    }
}
