package dev.berth.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.daemon.Daemon;
import dev.berth.daemon.client.EngineClient;
import dev.berth.oci.image.Compression;
import dev.berth.oci.layer.LayerEntry;
import dev.berth.oci.store.ImageStore;
import dev.berth.runtime.sys.Mounts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code berth build} and {@code berth builder prune} end to end: the CLI in this JVM, RUN steps in runc containers,
 * the built image run with {@code berth run} (through the daemon the CLI starts), Docker's exit codes.
 */
class BuildCommandTest {
    private static final String BASE = "cli-build/busybox:1";
    private static Path root;
    private static Path work;

    @BeforeAll
    static void image() throws Exception {
        root = Files.createTempDirectory(Path.of("/tmp"), "berth-cli-build-");
        work = Files.createTempDirectory(Path.of("/tmp"), "berth-cli-build-work-");
        List<LayerEntry> entries = new ArrayList<>(List.of(LayerEntry.directory("bin", 0755), LayerEntry.directory("tmp", 01777),
                LayerEntry.directory("etc", 0755), LayerEntry.file("bin/busybox", Path.of("/usr/bin/busybox"), 0755)));
        for (String applet : List.of("sh", "echo", "cat", "mkdir", "rm", "ls", "wc", "true", "test")) {
            entries.add(LayerEntry.symlink("bin/" + applet, "busybox"));
        }
        TestImages.build(ImageStore.open(root), BASE, Compression.GZIP, List.of(entries));
    }

    @AfterAll
    static void stopDaemon() throws Exception {
        EngineClient client = new EngineClient(Daemon.defaultSocket(root));
        if (Files.exists(client.socket()) && client.ping()) {
            for (Object c : client.call("GET", "/containers/json?all=1", null, List.class)) {
                client.call("DELETE", "/containers/" + ((Map<?, ?>) c).get("Id") + "?force=1", null, Void.class);
            }
            long pid = ((Number) client.call("GET", "/version", null, Map.class).get("Pid")).longValue();
            ProcessHandle.of(pid).ifPresent(p -> {
                p.destroy(); // the daemon this test class started, by its PID
                p.onExit().join();
            });
        }
        new ProcessBuilder("rm", "-rf", "--one-file-system", root.toString(), work.toString()).start().waitFor();
    }

    private static InProcessBerth.Run berth(String... args) {
        return InProcessBerth.run(root, args);
    }

    private static Path context(String name, String dockerfile, Map<String, String> files) throws Exception {
        Path dir = Files.createDirectories(work.resolve(name));
        Files.writeString(dir.resolve("Dockerfile"), dockerfile);
        for (var f : files.entrySet()) {
            Files.createDirectories(dir.resolve(f.getKey()).getParent());
            Files.writeString(dir.resolve(f.getKey()), f.getValue());
        }
        return dir;
    }

    @Test
    void aBuiltImageRunsWithBerthRunAndARebuildIsAllCached() throws Exception {
        Path ctx = context("app", """
                FROM cli-build/busybox:1
                RUN echo building && echo from-run > /from-run
                COPY hello.txt /hello.txt
                RUN rm /from-run && echo removed > /removed
                CMD ["cat", "/hello.txt", "/removed"]
                """, Map.of("hello.txt", "hello from the build\n"));
        Path iid = work.resolve("iid");
        InProcessBerth.Run build = berth("build", "--progress", "plain", "-t", "cli-build/app:1", "-t", "cli-build/app:latest",
                "--iidfile", iid.toString(), ctx.toString());
        assertThat(build.exit()).as(build.err()).isZero();
        assertThat(build.out()).contains("#2 [2/5] RUN echo building && echo from-run > /from-run")
                .contains(" building\n").contains("#2 DONE").contains("Successfully tagged cli-build/app:1")
                .contains("Successfully tagged cli-build/app:latest");
        String id = Files.readString(iid);
        assertThat(build.out()).contains("Successfully built " + id);

        InProcessBerth.Run run = berth("run", "--rm", "--network", "none", "cli-build/app:1");
        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out()).isEqualTo("hello from the build\nremoved\n");
        InProcessBerth.Run gone = berth("run", "--rm", "--network", "none", "cli-build/app:1", "sh", "-c",
                "test -e /from-run && echo present || echo gone");
        assertThat(gone.out()).isEqualTo("gone\n");

        InProcessBerth.Run again = berth("build", "--progress", "plain", "-t", "cli-build/app:1", ctx.toString());
        assertThat(again.exit()).isZero();
        assertThat(again.out().lines().filter(l -> l.endsWith(" CACHED")).count()).isEqualTo(4);
        assertThat(again.out()).contains("Successfully built " + id);

        Path oci = work.resolve("app-oci.tar");
        InProcessBerth.Run out = berth("build", "-q", "--output", "type=oci,dest=" + oci, ctx.toString());
        assertThat(out.exit()).isZero();
        assertThat(out.out().strip()).isEqualTo(id);
        Process tar = new ProcessBuilder("tar", "-tf", oci.toString()).redirectErrorStream(true).start();
        String listing = new String(tar.getInputStream().readAllBytes());
        assertThat(tar.waitFor()).isZero();
        assertThat(listing).contains("oci-layout", "index.json", "blobs/sha256/");
    }

    @Test
    void aFailedBuildExits1WithTheErrorAndABadFlag125() throws Exception {
        Path ctx = context("failing", """
                FROM cli-build/busybox:1
                RUN echo about to fail; exit 3
                """, Map.of());
        InProcessBerth.Run failed = berth("build", "--progress", "plain", "-t", "cli-build/failing:1", ctx.toString());
        assertThat(failed.exit()).isEqualTo(1);
        assertThat(failed.err()).startsWith("Error: Dockerfile:2:1: RUN echo about to fail; exit 3 failed with exit code 3")
                .contains("about to fail").doesNotContain("Exception");
        assertThat(berth("images", "--format", "json").out()).doesNotContain("cli-build/failing");
        assertThat(Mounts.mountPointsUnder(root)).isEmpty();

        InProcessBerth.Run flag = berth("build", "--progress", "sideways", ctx.toString());
        assertThat(flag.exit()).isEqualTo(125);
        assertThat(flag.err()).contains("--progress sideways");
        InProcessBerth.Run unknown = berth("build", "--no-such-flag", ctx.toString());
        assertThat(unknown.exit()).isEqualTo(125);
        InProcessBerth.Run noDockerfile = berth("build", work.toString());
        assertThat(noDockerfile.exit()).isEqualTo(1);
        assertThat(noDockerfile.err()).contains("Dockerfile", "no such file");
    }

    @Test
    void theCacheSurvivesGcShowsInDfAndPruneEmptiesIt() throws Exception {
        Path ctx = context("cached", """
                FROM cli-build/busybox:1
                RUN echo cached-layer > /c
                """, Map.of());
        assertThat(berth("build", "--progress", "plain", ctx.toString()).exit()).isZero();
        assertThat(berth("system", "gc").exit()).isZero();
        InProcessBerth.Run again = berth("build", "--progress", "plain", ctx.toString());
        assertThat(again.out()).contains("#2 CACHED");

        InProcessBerth.Run df = berth("system", "df");
        assertThat(df.out()).containsPattern("Build Cache\\s+[1-9]");
        InProcessBerth.Run prune = berth("builder", "prune", "-a", "-f");
        assertThat(prune.exit()).as(prune.err()).isZero();
        assertThat(prune.out()).contains("Deleted build cache entries:").contains("Total reclaimed space:");
        assertThat(berth("system", "df").out()).containsPattern("Build Cache\\s+0\\s");
        InProcessBerth.Run rebuilt = berth("build", "--progress", "plain", ctx.toString());
        assertThat(rebuilt.out()).doesNotContain("CACHED").contains(" cached-layer").isNotNull();
    }

    @Test
    void anInterruptedBuildLeavesNoContainerMountOrTemporaryDirectory() throws Exception {
        Path ctx = context("interrupted", """
                FROM cli-build/busybox:1
                RUN echo sleeping-now && sleep 60
                """, Map.of());
        Path log = work.resolve("interrupted.log");
        Process build = BerthProcess.start(root, log, "build", "--progress", "plain", ctx.toString());
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (!Files.readString(log).contains(" sleeping-now\n") && System.nanoTime() < deadline && build.isAlive()) {
            Thread.sleep(100);
        }
        assertThat(Files.readString(log)).as("the RUN step printed its line").contains(" sleeping-now\n");
        Path runcState = root.resolve("run/build-runc");
        try (var s = Files.list(runcState)) {
            assertThat(s.toList()).as("the step's runc container while it runs").hasSize(1);
        }
        Process interrupt = new ProcessBuilder("kill", "-INT", Long.toString(build.pid())).start(); // our own child, by PID
        assertThat(interrupt.waitFor()).isZero();
        assertThat(build.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).as("the build ended").isTrue();
        assertThat(Files.readString(log)).doesNotContain("Exception");
        assertThat(Mounts.mountPointsUnder(root)).isEmpty();
        try (var s = Files.list(runcState)) {
            assertThat(s.toList()).as("runc containers").isEmpty();
        }
        try (var s = Files.list(root.resolve("build-tmp"))) {
            assertThat(s.toList()).as("temporary directories").isEmpty();
        }
    }
}
