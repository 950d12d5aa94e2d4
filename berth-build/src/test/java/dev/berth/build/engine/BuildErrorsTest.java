package dev.berth.build.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.berth.build.BuildException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Bad input gets a clear error naming the place, the build stops, and nothing is left behind. */
class BuildErrorsTest {
    private final BuildFixture fx = new BuildFixture();

    @AfterEach
    void cleanUp() {
        fx.close();
    }

    private String fails(BuildRequest request) {
        List<String> before = fx.names();
        Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(() -> fx.build(request));
        assertThat(thrown).isInstanceOf(BuildException.class);
        assertThat(fx.names()).as("no image was named").isEqualTo(before);
        assertThat(fx.store.images()).as("no image was stored").hasSize(1);
        fx.assertNothingLeft();
        return thrown.getMessage();
    }

    private String fails(String dockerfile) {
        return fails(fx.request(dockerfile).withTags(List.of("broken:1")));
    }

    @Test
    void aFailingRunReportsItsExitCodeAndLastLines() {
        String message = fails("""
                FROM busybox:test
                RUN echo first line; echo to stderr >&2; exit 7
                RUN echo never
                """);
        assertThat(message).contains("Dockerfile:2:1", "exit code 7", "first line", "to stderr");
    }

    @Test
    void aFailingStageStopsTheOtherStagesContainers() {
        long t0 = System.nanoTime();
        String message = fails("""
                FROM busybox:test AS slow
                RUN sleep 30

                FROM busybox:test AS failing
                RUN sleep 1; exit 2

                FROM busybox:test
                COPY --from=slow /bin/sh /a
                COPY --from=failing /bin/sh /b
                """);
        assertThat(message).contains("Dockerfile:5:1", "exit code 2");
        assertThat(System.nanoTime() - t0).as("the sleeping stage was stopped").isLessThan(20_000_000_000L);
    }

    @Test
    void syntaxErrorsAndUnknownInstructionsNameTheLine() {
        assertThat(fails("FROM busybox:test\nFROBNICATE now\n")).contains("Dockerfile:2");
        assertThat(fails("FROM busybox:test\nCOPY\n")).contains("Dockerfile:2");
        assertThat(fails("RUN echo no from\n")).contains("Dockerfile");
    }

    @Test
    void anUnknownTargetOrAStageCycleIsAnError() {
        assertThat(fails(fx.request("FROM busybox:test AS one\nRUN true\n").withTarget("two")))
                .contains("target stage two not found", "one");
        assertThat(fails("""
                FROM busybox:test AS a
                COPY --from=b /x /x

                FROM busybox:test AS b
                COPY --from=a /y /y
                """)).contains("cycle").containsPattern("a -> b -> a|b -> a -> b");
    }

    @Test
    void copyOfMissingFilesOrFromOutsideTheContextIsAnError() {
        fx.file("present.txt", "x");
        assertThat(fails("FROM busybox:test\nCOPY absent.txt /\n")).contains("absent.txt", "Dockerfile:2:1");
        assertThat(fails("FROM busybox:test\nCOPY ../outside.txt /\n")).contains("outside.txt");
        assertThat(fails("FROM busybox:test\nCOPY --chmod=abc present.txt /\n")).contains("abc");
    }

    @Test
    void aBaseImageThatCannotBeFoundIsAnError() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        assertThat(fails("FROM 127.0.0.1:" + closed + "/nothing/here:1\nRUN true\n"))
                .contains("Dockerfile:1:1", "127.0.0.1:" + closed + "/nothing/here:1");
    }

    @Test
    void anAddWhoseChecksumDoesNotMatchIsAnError() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/file.txt", exchange -> {
            byte[] body = "downloaded\n".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        try {
            String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/file.txt";
            assertThat(fails("FROM busybox:test\nADD --checksum=sha256:" + "0".repeat(64) + " " + url + " /f\n"))
                    .contains("checksum", "Dockerfile:2:1");
            fx.build("FROM busybox:test\nADD " + url + " /f\n", "added:1");
            assertThat(fx.run("added:1", "cat", "/f").stdout()).isEqualTo("downloaded\n");
        } finally {
            server.stop(0);
        }
    }

    @Test
    void aBaseImageForAnotherPlatformOrRunForAnotherPlatformIsRefused() {
        assertThat(fails(fx.request("FROM busybox:test\nRUN true\n").withPlatform("linux/arm64")))
                .contains("Dockerfile:1:1", "linux/amd64", "linux/arm64");
        assertThat(fails(fx.request("FROM scratch\nRUN true\n").withPlatform("linux/arm64")))
                .contains("Dockerfile:2:1", "RUN cannot run for the platform linux/arm64");
    }
}
