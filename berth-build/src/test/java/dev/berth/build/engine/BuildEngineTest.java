package dev.berth.build.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.build.testing.RuncContainer;
import dev.berth.oci.image.ContainerConfig;
import dev.berth.oci.store.Image;
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
        assertThat(image.config().history()).extracting(h -> h.createdBy()).contains("RUN /bin/sh -c echo built > /built.txt && mkdir -p /data && echo out-of-run");
        RuncContainer.Result run = fx.run("simple:1", "cat", "/data/greeting.txt", "/built.txt");
        assertThat(run.exitCode()).isZero();
        assertThat(run.stdout()).isEqualTo("hello from the context\nbuilt\n");
        fx.assertNothingLeft();
    }
}
