package dev.berth.build.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.abort;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.berth.build.testing.ExternalCommand;
import dev.berth.build.testing.TestFiles;
import dev.berth.build.testing.TestImages;
import dev.berth.oci.archive.ArchiveFormat;
import dev.berth.oci.image.ContainerConfig;
import dev.berth.oci.json.Json;
import dev.berth.oci.store.ImageStore;
import dev.berth.runtime.bundle.BundleSpec;
import dev.berth.runtime.bundle.NetworkNamespace;
import dev.berth.runtime.bundle.Resources;
import dev.berth.runtime.bundle.RuntimeSpecWriter;
import dev.berth.runtime.sys.Mounts;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The same Dockerfile and context built by {@code podman build --layers} (Buildah) and by {@link Builder}, from the same
 * base image (Berth's fixture, saved by Berth and loaded into podman): the root filesystems must be the same (names,
 * types, modes, owners, sha256 of contents, symlink targets), the image configs must agree on what a container gets
 * (Env, Cmd, Entrypoint, WorkingDir, User, ExposedPorts, Labels, StopSignal), and the image's own command must print
 * the same thing when each tool runs it. Every Dockerfile runs on the busybox base and on the Debian base.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BuildPodmanDifferentialTest {
    static final String BUSYBOX = "example.com/fixtures/busybox:1";
    static final String DEBIAN = "example.com/fixtures/debian:12";

    /**
     * Paths podman leaves in an image that are not the Dockerfile's doing: Buildah bind-mounts these into every RUN
     * container and, when the base lacks them, creates empty files or directories as mount points, which stay in the
     * committed layer. Berth mounts nothing there that it does not remove. They are ignored only when podman's image
     * has them empty and Berth's does not have them at all; anything else is compared like every other path.
     */
    static final Set<String> MOUNT_POINT_PLACEHOLDERS = Set.of("etc/hostname", "etc/hosts", "etc/resolv.conf",
            "run/.containerenv", "run", "proc", "sys", "dev");

    /** The config fields a container gets from the image; the two builders must agree on each. */
    static final List<String> CONFIG_FIELDS = List.of("Env", "Cmd", "Entrypoint", "WorkingDir", "User", "ExposedPorts",
            "Labels", "StopSignal");

    /** A Dockerfile ({BASE} stands for the base image), its build args, and what its CMD must print. */
    record Case(String name, String dockerfile, Map<String, String> buildArgs, String expectedOutput) {
        @Override
        public String toString() {
            return name;
        }
    }

    static final Case MULTI_STAGE = new Case("multi-stage", """
            FROM {BASE} AS builder
            WORKDIR /src
            COPY app/ ./
            RUN mkdir -p /out/bin && cp greeting.txt /out/ && printf '#!/bin/sh\\necho tool ran\\n' > /out/bin/tool \\
                && chmod 755 /out/bin/tool && ln -s bin/tool /out/tool-link && echo scratch > /tmp/scratch

            FROM {BASE}
            COPY --from=builder /out /opt/app
            COPY --from=builder /src/run.sh /usr/local/bin/
            RUN ln -s /opt/app/greeting.txt /greeting && mkdir -p /data/a/b && echo x > /data/a/b/f \\
                && ln -s ../a /data/a/b/up && ln -s /nowhere /dangling && mkdir -m 0750 /data/private
            CMD ["sh", "-c", "cat /greeting; /opt/app/tool-link; ls /data/a/b; test -e /tmp/scratch || echo no-scratch; run.sh"]
            """, Map.of(), "hello from the context\ntool ran\nf\nup\nno-scratch\nrun.sh ran\n");

    static final Case WHITEOUTS_AND_OWNERS = new Case("whiteouts-chmod-chown", """
            FROM {BASE}
            RUN mkdir -p /d/sub && echo a > /d/sub/a && echo b > /d/b && echo keep > /d/keep \\
                && mkdir /gone && echo g > /gone/g
            RUN rm /d/b && rm -r /d/sub /gone && rm /usr/bin/env \\
                && rm -r /home/app && mkdir /home/app && echo fresh > /home/app/fresh
            RUN mkdir /owned && echo s > /owned/secret && chown -R 1000:1000 /owned && chmod 0700 /owned \\
                && chmod 0400 /owned/secret && touch /suid && chown 33:44 /suid && chmod 4755 /suid \\
                && chmod 0600 /etc/group && chown 1000 /etc/passwd && chmod g+s /d
            CMD ["sh", "-c", "stat -c '%a %u %g %n' /owned /owned/secret /suid /etc/group /etc/passwd /d; test -e /usr/bin/env || echo env-gone; ls /d /home/app; test -e /gone || echo gone-gone"]
            """, Map.of(), """
            700 1000 1000 /owned
            400 1000 1000 /owned/secret
            4755 33 44 /suid
            600 0 0 /etc/group
            644 1000 0 /etc/passwd
            2755 0 0 /d
            env-gone
            /d:
            keep

            /home/app:
            fresh
            gone-gone
            """);

    static final Case ENV_ARG_WORKDIR_USER = new Case("env-arg-workdir-user", """
            FROM {BASE}
            ARG GREETING=hello
            ARG TARGET
            ENV APP_HOME=/srv/app MODE=prod
            WORKDIR $APP_HOME/work
            RUN echo "$GREETING $MODE $TARGET" > greeting.txt && pwd > pwd.txt \\
                && env | grep -E '^(GREETING|TARGET|MODE|APP_HOME)=' | sort > env.txt
            ENV MODE=test
            WORKDIR sub
            RUN touch here && echo "$MODE" > mode.txt
            USER 1000:1000
            WORKDIR /userwork
            RUN echo mine > mine.txt && mkdir cache && id -u > /home/app/id.txt
            USER app
            WORKDIR made/deeper
            RUN touch ok
            LABEL org.example.name="diff test" org.example.greeting=$GREETING
            EXPOSE 8000 9000/udp
            STOPSIGNAL SIGINT
            ENTRYPOINT ["/bin/sh", "-c"]
            CMD ["cat /srv/app/work/greeting.txt /srv/app/work/pwd.txt /srv/app/work/env.txt /srv/app/work/sub/mode.txt /home/app/id.txt; id -u; pwd; echo $MODE $APP_HOME; ls -a /userwork"]
            """, Map.of("TARGET", "prod-box"), """
            hello prod prod-box
            /srv/app/work
            APP_HOME=/srv/app
            GREETING=hello
            MODE=prod
            TARGET=prod-box
            test
            1000
            1000
            /userwork/made/deeper
            test /srv/app
            .
            ..
            cache
            made
            mine.txt
            """);

    static final Case HEREDOC = new Case("heredoc", """
            FROM {BASE}
            RUN <<EOF
            mkdir -p /h
            echo one > /h/one
            ln -s one /h/link
            EOF
            CMD ["cat", "/h/link"]
            """, Map.of(), "one\n");

    private Path dir;
    private Path berthRoot;
    private ImageStore store;
    private PodmanRoot podman;
    private String runc;

    @BeforeAll
    void loadTheBasesIntoBoth() throws IOException {
        assumeTrue(onPath("podman") != null, "podman is not installed: the differential builds need podman build");
        runc = onPath("runc");
        assumeTrue(runc != null, "runc is not installed: podman and Berth run RUN steps with runc");
        dir = Files.createTempDirectory(Path.of("/tmp"), "bpd-");
        berthRoot = dir.resolve("berth");
        store = ImageStore.open(berthRoot);
        podman = new PodmanRoot(dir.resolve("podman"));
        TestImages.busybox(store, BUSYBOX);
        TestImages.debian(store, DEBIAN);
        for (String base : List.of(BUSYBOX, DEBIAN)) {
            Path archive = TestImages.save(store, base, ArchiveFormat.OCI, dir.resolve(shortName(base) + ".tar"));
            assertThat(podman.require("load", "-i", archive.toString())).contains("Loaded image: " + base);
        }
    }

    @AfterAll
    void removeEverything() {
        try {
            if (podman != null) {
                podman.close();
            }
        } finally {
            if (dir != null) {
                for (Path mount : Mounts.mountPointsUnder(dir).reversed()) {
                    Mounts.unmount(mount);
                }
                TestFiles.deleteTree(dir);
            }
        }
    }

    Stream<Arguments> cases() {
        List<Arguments> all = new ArrayList<>();
        for (String base : List.of(BUSYBOX, DEBIAN)) {
            for (Case c : List.of(MULTI_STAGE, WHITEOUTS_AND_OWNERS, ENV_ARG_WORKDIR_USER, HEREDOC)) {
                all.add(Arguments.of(shortName(base), base, c));
            }
        }
        return all.stream();
    }

    @ParameterizedTest(name = "{2} on {0}")
    @MethodSource("cases")
    void berthAndPodmanBuildTheSameImage(String baseName, String base, Case c) throws IOException {
        String id = c.name() + "-" + baseName;
        String dockerfile = c.dockerfile().replace("{BASE}", base);
        Path caseDir = Files.createDirectories(dir.resolve("case-" + id));
        Path context = writeContext(caseDir.resolve("context"));
        Path dockerfilePath = Files.writeString(caseDir.resolve("Dockerfile"), dockerfile);

        String podmanImage = "localhost/podman-diff/" + id + ":1";
        List<String> podmanBuild = new ArrayList<>(List.of("build", "--runtime", "runc", "--layers", "--network", "none",
                "-f", dockerfilePath.toString(), "-t", podmanImage));
        c.buildArgs().forEach((k, v) -> podmanBuild.addAll(List.of("--build-arg", k + "=" + v)));
        podmanBuild.add(context.toString());
        ExternalCommand.Result built = podman.run(podmanBuild);
        if (c == HEREDOC && built.exitCode() != 0 && built.stderr().contains("Unknown instruction")) {
            // Berth's heredoc RUN is checked against the Dockerfile reference in BuildEngineTest; here only podman's
            // Buildah is missing.
            abort("this podman's Buildah does not support RUN here-documents (newer Buildah releases do): "
                    + podman.require("--version").strip());
        }
        built.requireSuccess("podman build of\n" + dockerfile);

        String berthImage = "berth-diff/" + id + ":1";
        new Builder(berthRoot, store, new BuildFixture.Recorder()).build(BuildRequest.of(context, "Dockerfile", dockerfile)
                .withBuildArgs(c.buildArgs()).withHostNetwork(false).withTags(List.of(berthImage)));

        Path berthRootfs = TestImages.unpack(store, berthImage, caseDir.resolve("berth-rootfs"));
        Map<String, String> ours = describe(berthRootfs);
        Map<String, String> theirs;
        String mounted = podman.require("image", "mount", podmanImage).strip();
        try {
            theirs = describe(Path.of(mounted));
        } finally {
            podman.require("image", "unmount", podmanImage);
        }
        List<String> ignored = new ArrayList<>();
        for (String path : List.copyOf(theirs.keySet())) {
            if (MOUNT_POINT_PLACEHOLDERS.contains(path) && !ours.containsKey(path) && isEmptyPlaceholder(theirs.get(path))) {
                ignored.add(theirs.remove(path));
            }
        }
        assertThat(List.copyOf(ours.values())).as("file tree of Berth's image (left) against podman's; podman's"
                        + " mount-point placeholders left out: " + ignored + "\n" + dockerfile)
                .containsExactlyElementsOf(theirs.values());
        assertThat(ours).as("the tree is the base and more, not nothing").hasSizeGreaterThan(10);

        ContainerConfig config = store.resolve(berthImage).config().containerConfig();
        JsonNode berthConfig = Json.tree(Json.canonicalBytes(config), "Berth's image config");
        JsonNode podmanConfig = Json.tree(podman.require("image", "inspect", podmanImage).getBytes(StandardCharsets.UTF_8),
                "podman image inspect").get(0).get("Config");
        for (String field : CONFIG_FIELDS) {
            JsonNode theirsField = podmanConfig.get(field);
            if (field.equals("Labels") && theirsField != null && theirsField.isObject()) {
                // Buildah stamps its own version on every image it builds; that label is the tool's, not the Dockerfile's.
                ((ObjectNode) theirsField).remove("io.buildah.version");
            }
            assertThat(normalized(berthConfig.get(field))).as("config " + field + " of\n" + dockerfile)
                    .isEqualTo(normalized(theirsField));
        }

        RunOutput berthRun = runWithRunc(berthRootfs, config, caseDir.resolve("runc"));
        ExternalCommand.Result podmanRun = podman.run(List.of("run", "--rm", "--runtime", "runc", "--network", "none",
                podmanImage));
        assertThat(berthRun.exitCode()).as("exit code of the CMD; stderr: " + berthRun.stderr()).isZero();
        assertThat(podmanRun.exitCode()).as("podman run exit code; stderr: " + podmanRun.stderr()).isZero();
        assertThat(berthRun.stdout()).as("output of the image's command, Berth against podman")
                .isEqualTo(podmanRun.stdout()).isEqualTo(c.expectedOutput());
    }

    /** The context every case builds from; modes set here so the test's umask cannot change them. */
    private static Path writeContext(Path context) throws IOException {
        Path app = Files.createDirectories(context.resolve("app"));
        Files.writeString(app.resolve("greeting.txt"), "hello from the context\n");
        Files.setAttribute(app.resolve("greeting.txt"), "unix:mode", 0644);
        Files.writeString(app.resolve("run.sh"), "#!/bin/sh\necho run.sh ran\n");
        Files.setAttribute(app.resolve("run.sh"), "unix:mode", 0755);
        Files.setAttribute(app, "unix:mode", 0755);
        Files.setAttribute(context, "unix:mode", 0755);
        return context;
    }

    /**
     * Every entry below {@code root}, by relative path in sorted order: {@code d 0755 0:0 path}, {@code f 0644 0:0 path
     * sha256:…}, {@code l 0:0 path -> target}, other types by their file type bits. Timestamps are not compared: each
     * tool stamps its own build time.
     */
    static Map<String, String> describe(Path root) throws IOException {
        Map<String, String> lines = new TreeMap<>();
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) throws IOException {
                if (!d.equals(root)) {
                    lines.put(root.relativize(d).toString(), line(root, d));
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                lines.put(root.relativize(file).toString(), line(root, file));
                return FileVisitResult.CONTINUE;
            }
        });
        return lines;
    }

    private static String line(Path root, Path path) throws IOException {
        Map<String, Object> a = Files.readAttributes(path, "unix:mode,uid,gid", LinkOption.NOFOLLOW_LINKS);
        int mode = (Integer) a.get("mode");
        String owner = a.get("uid") + ":" + a.get("gid");
        String relative = root.relativize(path).toString();
        String perms = String.format("%04o", mode & 07777);
        return switch (mode & 0170000) {
            case 0040000 -> "d " + perms + " " + owner + " " + relative + (isEmptyDirectory(path) ? " (empty)" : "");
            case 0120000 -> "l " + owner + " " + relative + " -> " + Files.readSymbolicLink(path);
            case 0100000 -> "f " + perms + " " + owner + " " + relative + " " + sha256(path) + " size=" + Files.size(path);
            default -> String.format("type %06o %s %s %s", mode & 0170000, perms, owner, relative);
        };
    }

    private static boolean isEmptyDirectory(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.findAny().isEmpty();
        }
    }

    private static boolean isEmptyPlaceholder(String line) {
        return line.endsWith(" (empty)") || line.startsWith("f ") && line.endsWith(" size=0");
    }

    private static String sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[65536];
            for (int n = in.read(buffer); n > 0; n = in.read(buffer)) {
                digest.update(buffer, 0, n);
            }
            return "sha256:" + HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A config field with "absent", null, "" , [] and {} all the same: the two tools differ only in how they omit. */
    private static String normalized(JsonNode node) {
        if (node == null || node.isNull() || node.isString() && node.asString().isEmpty()
                || (node.isObject() || node.isArray()) && node.size() == 0) {
            return "(absent)";
        }
        return node.toString();
    }

    record RunOutput(int exitCode, String stdout, String stderr) {
    }

    /**
     * Runs the image's own command (ENTRYPOINT + CMD) in its unpacked root with runc, with the image's Env, WorkingDir
     * and User, as {@code berth run IMAGE} would; the container, its state and its cgroups are removed afterwards.
     */
    private RunOutput runWithRunc(Path rootfs, ContainerConfig config, Path work) {
        List<String> args = new ArrayList<>();
        if (config.entrypoint() != null) {
            args.addAll(config.entrypoint());
        }
        if (config.cmd() != null) {
            args.addAll(config.cmd());
        }
        String containerId = "berth-diff-" + UUID.randomUUID().toString().substring(0, 8);
        String cgroup = "/berth-test/" + containerId;
        Path bundle = work.resolve("bundle");
        Path state = work.resolve("state");
        try {
            Files.createDirectories(state);
            BundleSpec spec = new BundleSpec(containerId, rootfs.toAbsolutePath(), false, args,
                    config.env() == null ? List.of() : config.env(), config.workingDir(), config.user(), "berth-diff",
                    List.of(), List.of(), Resources.NONE, new NetworkNamespace.NewNamespace(), null, null, null, cgroup,
                    false, new LinkedHashMap<>());
            RuntimeSpecWriter.write(spec, bundle);
            ExternalCommand.Result r = ExternalCommand.run(List.of(runc, "--root", state.toString(), "run", "--bundle",
                    bundle.toString(), containerId), Map.of(), null, 120);
            return new RunOutput(r.exitCode(), r.stdout(), r.stderr());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            ExternalCommand.run(List.of(runc, "--root", state.toString(), "delete", "-f", containerId), Map.of(), null, 60);
            removeCgroups(cgroup);
        }
    }

    /** rmdir (never recursive) of the container's cgroup in every hierarchy, then of /berth-test when empty. */
    private static void removeCgroups(String cgroup) {
        List<Path> hierarchies = new ArrayList<>(List.of(Path.of("/sys/fs/cgroup")));
        try (Stream<Path> s = Files.list(Path.of("/sys/fs/cgroup"))) {
            s.filter(Files::isDirectory).forEach(hierarchies::add);
        } catch (IOException e) {
            return;
        }
        for (Path hierarchy : hierarchies) {
            Path leaf = hierarchy.resolve(cgroup.substring(1));
            for (Path d = leaf; d.startsWith(hierarchy) && !d.equals(hierarchy); d = d.getParent()) {
                if (!d.toFile().delete() && Files.exists(d)) {
                    break;
                }
            }
        }
    }

    private static String shortName(String base) {
        return base.equals(BUSYBOX) ? "busybox" : "debian";
    }

    private static String onPath(String program) {
        List<String> dirs = new ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "").split(":")));
        dirs.addAll(List.of("/usr/sbin", "/usr/bin", "/sbin", "/bin"));
        for (String d : dirs) {
            if (!d.isEmpty() && Files.isExecutable(Path.of(d, program))) {
                return Path.of(d, program).toString();
            }
        }
        return null;
    }
}
