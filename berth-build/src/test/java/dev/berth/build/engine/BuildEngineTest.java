package dev.berth.build.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.build.testing.RuncContainer;
import dev.berth.oci.image.ContainerConfig;
import dev.berth.oci.store.Image;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** End-to-end builds from the busybox base: real runc containers for RUN, the image checked by running it. */
class BuildEngineTest {
    private final BuildFixture fx = new BuildFixture();

    @AfterEach
    void cleanUp() {
        fx.close();
    }

    @Test
    void aSimpleBuildRunsCopiesAndSetsTheCommand() {
        fx.file("greeting.txt", "hello from the context\n");
        BuildFixture.Recorder r = fx.build("""
                FROM busybox:test
                RUN echo built > /built.txt && mkdir -p /data && echo out-of-run
                COPY greeting.txt /data/
                ENV GREETING=hi
                WORKDIR /data
                CMD ["cat", "/data/greeting.txt", "/built.txt"]
                """, "simple:1");
        assertThat(r.output).contains("out-of-run");
        Image image = fx.image("simple:1");
        ContainerConfig c = image.config().containerConfig();
        assertThat(c.cmd()).containsExactly("cat", "/data/greeting.txt", "/built.txt");
        assertThat(c.env()).contains("GREETING=hi");
        assertThat(c.workingDir()).isEqualTo("/data");
        assertThat(image.manifest().layers()).hasSize(3); // busybox, RUN, COPY (WORKDIR /data exists already)
        assertThat(image.config().history()).extracting(h -> h.createdBy())
                .contains("RUN /bin/sh -c echo built > /built.txt && mkdir -p /data && echo out-of-run");
        assertThat(fx.layerEntries("simple:1", 1)).as("only what RUN wrote; nothing the runtime mounted")
                .containsExactly("built.txt", "data/");
        RuncContainer.Result run = fx.run("simple:1", "cat", "/data/greeting.txt", "/built.txt");
        assertThat(run.exitCode()).isZero();
        assertThat(run.stdout()).isEqualTo("hello from the context\nbuilt\n");
        fx.assertNothingLeft();
    }

    @Test
    void aFileARunDeletesIsAWhiteoutAndGoneInTheImage() {
        fx.build("""
                FROM busybox:test
                RUN mkdir -p /d/sub && echo a > /d/sub/a && echo b > /d/b && echo keep > /keep
                RUN rm /d/b && rm -r /d/sub && rm /bin/ls
                """, "whiteout:1");
        assertThat(fx.layerEntries("whiteout:1", 2)).contains("bin/.wh.ls", "d/.wh.b", "d/.wh.sub");
        RuncContainer.Result run = fx.run("whiteout:1", "sh", "-c", "ls /d; test -e /bin/ls || echo ls-gone; cat /keep");
        assertThat(run.stdout()).isEqualTo("ls-gone\nkeep\n");
    }

    @Test
    void aDirectoryRemovedAndMadeAgainIsOpaque() {
        fx.build("""
                FROM busybox:test
                RUN mkdir /o && echo old > /o/old
                RUN rm -r /o && mkdir /o && echo new > /o/new
                """, "opaque:1");
        assertThat(fx.layerEntries("opaque:1", 2)).contains("o/", "o/.wh..wh..opq", "o/new");
        assertThat(fx.run("opaque:1", "ls", "/o").stdout()).isEqualTo("new\n");
    }

    @Test
    void aRebuildTakesEveryStepFromTheCacheAndAChangeRerunsOnlyLaterSteps() {
        fx.file("app/main.txt", "v1\n").file("app/other.txt", "other\n");
        String dockerfile = """
                FROM busybox:test
                RUN echo first > /first
                COPY app /app
                RUN cat /app/main.txt > /seen
                CMD ["cat", "/seen"]
                """;
        BuildFixture.Recorder first = fx.build(dockerfile, "cache:1");
        assertThat(first.cachedSteps()).isEmpty();
        BuildFixture.Recorder second = fx.build(dockerfile, "cache:1");
        assertThat(second.cachedSteps()).hasSize(4);
        assertThat(second.result.manifest().digest()).isEqualTo(first.result.manifest().digest());

        fx.file("app/main.txt", "v2\n");
        BuildFixture.Recorder third = fx.build(dockerfile, "cache:1");
        assertThat(third.cachedSteps()).containsExactly("cached [2/5] RUN echo first > /first");
        assertThat(third.ranSteps()).contains("done [3/5] COPY app /app", "done [4/5] RUN cat /app/main.txt > /seen");
        assertThat(fx.run("cache:1", "cat", "/seen").stdout()).isEqualTo("v2\n");

        BuildFixture.Recorder touched = fx.build(dockerfile, "cache:1");
        assertThat(touched.cachedSteps()).as("a touch changes no content").hasSize(4);

        BuildFixture.Recorder noCache = fx.build(fx.request(dockerfile).withNoCache(true).withTags(List.of("cache:1")));
        assertThat(noCache.cachedSteps()).isEmpty();
        assertThat(noCache.ranSteps()).hasSize(5);
    }

    @Test
    void multiStageCopiesFromAnEarlierStageAndSkipsStagesTheTargetDoesNotNeed() {
        BuildFixture.Recorder r = fx.build("""
                FROM busybox:test AS builder
                RUN mkdir /out && echo artifact > /out/result && echo secret-scratch > /tmp/scratch

                FROM busybox:test AS broken
                RUN echo this stage fails && exit 3

                FROM busybox:test
                COPY --from=builder /out/result /result
                CMD ["cat", "/result"]
                """, "multi:1");
        assertThat(r.events).noneMatch(e -> e.contains("[broken"));
        assertThat(fx.run("multi:1", "cat", "/result").stdout()).isEqualTo("artifact\n");
        assertThat(fx.run("multi:1", "sh", "-c", "test -e /tmp/scratch || echo absent").stdout()).isEqualTo("absent\n");
        assertThat(fx.image("multi:1").manifest().layers()).hasSize(2);
    }

    @Test
    void independentStagesRunAtTheSameTime() {
        BuildFixture.Recorder r = fx.build("""
                FROM busybox:test AS a
                RUN sleep 1 && echo a > /a

                FROM busybox:test AS b
                RUN sleep 1 && echo b > /b

                FROM busybox:test
                COPY --from=a /a /a
                COPY --from=b /b /b
                """, "parallel:1");
        int startA = r.events.indexOf("start [a 2/2] RUN sleep 1 && echo a > /a");
        int startB = r.events.indexOf("start [b 2/2] RUN sleep 1 && echo b > /b");
        int doneA = r.events.indexOf("done [a 2/2] RUN sleep 1 && echo a > /a");
        int doneB = r.events.indexOf("done [b 2/2] RUN sleep 1 && echo b > /b");
        assertThat(startA).isNotNegative().isLessThan(doneB);
        assertThat(startB).isNotNegative().isLessThan(doneA);
        assertThat(fx.run("parallel:1", "cat", "/a", "/b").stdout()).isEqualTo("a\nb\n");
    }

    @Test
    void cacheMountsPersistBetweenBuildsAndStayOutOfTheLayer() {
        String dockerfile = """
                FROM busybox:test
                RUN --mount=type=cache,target=/var/cache/thing echo run >> /var/cache/thing/log && wc -l < /var/cache/thing/log > /count
                """;
        fx.build(dockerfile, "cachemount:1");
        assertThat(fx.run("cachemount:1", "cat", "/count").stdout().strip()).isEqualTo("1");
        fx.build(fx.request(dockerfile).withNoCache(true).withTags(List.of("cachemount:1")));
        assertThat(fx.run("cachemount:1", "cat", "/count").stdout().strip()).isEqualTo("2");
        assertThat(fx.layerEntries("cachemount:1", 1)).containsExactly("count");
    }

    @Test
    void secretsAndTmpfsAreMountedButNeverInALayer() throws Exception {
        Path secret = fx.dir.resolve("token.txt");
        Files.writeString(secret, "s3cr3t\n");
        fx.build(fx.request("""
                FROM busybox:test
                RUN --mount=type=secret,id=token --mount=type=tmpfs,target=/scratch \\
                    cat /run/secrets/token > /scratch/copy && wc -c < /scratch/copy > /secret-length && echo x > /scratch/y
                """).withSecrets(Map.of("token", secret)).withTags(List.of("secret:1")));
        assertThat(fx.layerEntries("secret:1", 1)).containsExactly("secret-length");
        assertThat(fx.run("secret:1", "cat", "/secret-length").stdout().strip()).isEqualTo("7");
        assertThat(fx.run("secret:1", "sh", "-c", "ls /run /scratch 2>&1; true").stdout()).doesNotContain("token", "copy");
    }

    @Test
    void heredocRunsFeedTheScriptToTheShell() {
        fx.build("""
                FROM busybox:test
                RUN <<EOF
                echo one > /one
                echo two > /two
                EOF
                RUN cat > /three <<EOT
                three
                EOT
                """, "heredoc:1");
        assertThat(fx.run("heredoc:1", "cat", "/one", "/two", "/three").stdout()).isEqualTo("one\ntwo\nthree\n");
    }

    @Test
    void configInstructionsChangeTheConfigAsDockerDoes() {
        BuildFixture.Recorder r = fx.build(fx.request("""
                FROM busybox:test
                ARG VERSION=1.0
                ARG UNSET
                ENV APP_VERSION=$VERSION PATH=/opt/bin:$PATH
                LABEL org.example.version=$VERSION other="two words"
                EXPOSE 8000 9000-9001/udp
                VOLUME /data
                USER app
                STOPSIGNAL SIGTERM
                HEALTHCHECK --interval=5s --retries=2 CMD wget -q http://localhost/ || exit 1
                SHELL ["/bin/sh", "-ec"]
                ENTRYPOINT echo start
                MAINTAINER someone@example.com
                ONBUILD RUN echo triggered
                RUN echo "version=$VERSION user=$(id -u)" > /tmp/v
                """).withBuildArgs(Map.of("VERSION", "2.5", "NOT_DECLARED", "x")).withTags(List.of("config:1")));
        Image image = fx.image("config:1");
        ContainerConfig c = image.config().containerConfig();
        assertThat(c.env()).contains("APP_VERSION=2.5", "PATH=/opt/bin:" + "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
        assertThat(c.labels()).containsEntry("org.example.version", "2.5").containsEntry("other", "two words");
        assertThat(c.exposedPorts()).containsOnlyKeys("8000/tcp", "9000/udp", "9001/udp");
        assertThat(c.volumes()).containsOnlyKeys("/data");
        assertThat(c.user()).isEqualTo("app");
        assertThat(c.stopSignal()).isEqualTo("SIGTERM");
        assertThat(c.healthcheck().test()).containsExactly("CMD-SHELL", "wget -q http://localhost/ || exit 1");
        assertThat(c.healthcheck().interval()).isEqualTo(5_000_000_000L);
        assertThat(c.shell()).containsExactly("/bin/sh", "-ec");
        assertThat(c.entrypoint()).containsExactly("/bin/sh", "-ec", "echo start");
        assertThat(c.cmd()).as("ENTRYPOINT resets the base image's CMD").isNull();
        assertThat(c.onBuild()).containsExactly("RUN echo triggered");
        assertThat(image.config().author()).isEqualTo("someone@example.com");
        assertThat(c.env()).noneMatch(e -> e.startsWith("VERSION=")).as("ARGs stay out of the config");
        assertThat(image.config().history()).filteredOn(h -> h.createdBy() != null && h.createdBy().startsWith("RUN |"))
                .extracting(h -> h.createdBy()).containsExactly("RUN |1 VERSION=2.5 /bin/sh -ec echo \"version=$VERSION user=$(id -u)\" > /tmp/v");
        assertThat(fx.run("config:1", "cat", "/tmp/v").stdout()).isEqualTo("version=2.5 user=1000\n");
        assertThat(r.warnings).singleElement().asString().contains("NOT_DECLARED");

        BuildFixture.Recorder child = fx.build("""
                FROM config:1
                RUN echo child
                """, "child:1");
        assertThat(child.output).contains("triggered", "child");
        assertThat(fx.image("child:1").config().containerConfig().onBuild()).isNull();
    }
}
