package dev.berth.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.daemon.EngineFixture.Finished;
import dev.berth.daemon.api.ContainerInspect;
import dev.berth.daemon.api.CreateRequest;
import dev.berth.daemon.api.ExecRequest;
import dev.berth.daemon.api.HostConfig;
import dev.berth.oci.image.ContainerConfig.HealthConfig;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The engine with real containers: conmon, runc, overlayfs, cgroups and the bridge network on this host (as root). */
class EngineTest {
    private EngineFixture f;

    @BeforeEach
    void setUp() throws Exception {
        f = new EngineFixture();
    }

    @AfterEach
    void tearDown() throws Exception {
        f.close();
    }

    private static HostConfig limits(long memory, long nanoCpus, Long pids, String network) {
        return new HostConfig(null, null, false, memory, nanoCpus, pids, network, null, null, false, null, null);
    }

    @Test
    void runsTheCommandWithItsOutputExitCodeAndTheImagesConfiguration() throws Exception {
        Finished r = f.run(EngineFixture.request(EngineFixture.host("none"), "sh", "-c",
                "echo out; echo err >&2; echo $IMAGE_VAR; cat /etc/top.txt; ls /etc/doomed.txt; exit 3"));
        assertThat(r.stdout()).isEqualTo("out\nfrom-image\nfrom the top layer\n");
        assertThat(r.stderr()).contains("err\n").contains("doomed.txt"); // the top layer's whiteout hides it
        assertThat(r.exitCode()).isEqualTo(3);
        ContainerInspect inspect = f.engine.inspect(r.id());
        assertThat(inspect.state().status()).isEqualTo("exited");
        assertThat(inspect.state().exitCode()).isEqualTo(3);
        assertThat(inspect.state().oomKilled()).isFalse();
        assertThat(f.leftovers().get("mounts")).asList().isEmpty();
    }

    @Test
    void theImagesDefaultCommandRunsWhenNoneIsGiven() throws Exception {
        assertThat(f.run(EngineFixture.request(EngineFixture.host("none"))).stdout()).isEqualTo("default command\n");
    }

    @Test
    void userWorkingDirectoryHostnameAndEnvironmentAsDockerSetsThem() throws Exception {
        CreateRequest req = new CreateRequest(EngineFixture.IMAGE, List.of("sh", "-c", "id; pwd; hostname; echo $HOME $EXTRA"),
                null, List.of("EXTRA=given"), "/tmp", "alice", "box", null, null, null, null, null, EngineFixture.host("none"));
        Finished r = f.run(req);
        assertThat(r.stdout()).isEqualTo("uid=1000(alice) gid=1000(alice) groups=50(staff),1000(alice)\n/tmp\nbox\n/home/alice given\n");
    }

    @Test
    void aMissingCommandFails127AndLeavesNothingRunning() throws Exception {
        String id = f.create(EngineFixture.request(EngineFixture.host("bridge"), "no-such-command"), null);
        assertThatThrownBy(() -> f.engine.start(id)).isInstanceOf(EngineException.class)
                .satisfies(e -> assertThat(((EngineException) e).exitCode()).isEqualTo(127))
                .hasMessageContaining("no-such-command");
        assertThat(f.engine.inspect(id).state().running()).isFalse();
        f.engine.remove(id, false);
        Map<String, Object> left = f.leftovers();
        assertThat(left.get("mounts")).asList().isEmpty();
        assertThat(left.get("containers")).asList().isEmpty();
        assertThat(left.get("runc")).asList().isEmpty();
        assertThat(left.get("cgroups")).asList().isEmpty();
        assertThat(left.get("veths")).asList().isEmpty();
        assertThat(left.get("attachments")).isEqualTo("");
    }

    @Test
    void anUnknownUserCannotBeInvoked126() throws Exception {
        CreateRequest req = new CreateRequest(EngineFixture.IMAGE, List.of("true"), null, null, null, "nobody-here", null, null,
                null, null, null, null, EngineFixture.host("none"));
        String id = f.create(req, null);
        assertThatThrownBy(() -> f.engine.start(id)).isInstanceOf(EngineException.class)
                .satisfies(e -> assertThat(((EngineException) e).exitCode()).isEqualTo(126))
                .hasMessageContaining("nobody-here");
    }

    @Test
    void overItsMemoryTheContainerIsOomKilled() throws Exception {
        Finished r = f.run(new CreateRequest(EngineFixture.IMAGE, List.of("sh", "-c", "x=aaaaaaaa; while true; do x=$x$x; done"),
                null, null, null, null, null, null, null, null, null, null, limits(32L << 20, 0, null, "none")));
        assertThat(r.exitCode()).isEqualTo(137);
        assertThat(f.engine.inspect(r.id()).state().oomKilled()).isTrue();
    }

    @Test
    void aForkBombStopsAtThePidsLimit() throws Exception {
        String id = f.create(new CreateRequest(EngineFixture.IMAGE,
                List.of("sh", "-c", "(for i in $(seq 40); do sleep 30 & done); exec sleep 30"),
                null, null, null, null, null, null, null, null, null, 1, limits(0, 0, 16L, "none")), null);
        f.engine.start(id);
        StringBuilder err = new StringBuilder();
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline && !err.toString().contains("can't fork")) {
            Thread.sleep(100);
            err.setLength(0);
            f.io.logs(id, dev.berth.runtime.logs.LogQuery.ALL, false, l -> err.append(new String(l.content(), StandardCharsets.UTF_8)));
        }
        assertThat(err.toString()).contains("can't fork");
        Map<String, Object> stats = f.io.stats(id);
        Map<?, ?> pids = (Map<?, ?>) stats.get("pids_stats");
        assertThat(((Number) pids.get("limit")).longValue()).isEqualTo(16);
        assertThat(((Number) pids.get("current")).longValue()).isBetween(2L, 16L);
        f.engine.remove(id, true);
    }

    @Test
    void onFailureRestartsExactlyAsOftenAsAllowed() throws Exception {
        HostConfig host = new HostConfig(null, null, false, 0, 0, null, "none", null, new HostConfig.RestartPolicy("on-failure", 3),
                false, null, null);
        String id = f.create(EngineFixture.request(host, "sh", "-c", "echo run; exit 1"), null);
        f.engine.start(id);
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        ContainerInspect inspect = f.engine.inspect(id);
        while (System.nanoTime() < deadline && !(inspect.restartCount() == 3 && inspect.state().status().equals("exited"))) {
            Thread.sleep(50);
            inspect = f.engine.inspect(id);
        }
        assertThat(inspect.restartCount()).isEqualTo(3);
        assertThat(inspect.state().status()).isEqualTo("exited");
        assertThat(inspect.state().exitCode()).isEqualTo(1);
        Thread.sleep(1_000); // and no fourth run
        assertThat(f.engine.inspect(id).restartCount()).isEqualTo(3);
        StringBuilder log = new StringBuilder();
        f.io.logs(id, dev.berth.runtime.logs.LogQuery.ALL, false, l -> log.append(new String(l.content(), StandardCharsets.UTF_8)));
        assertThat(log.toString()).isEqualTo("run\nrun\nrun\nrun\n");
    }

    @Test
    void aFailingHealthCheckMakesTheContainerUnhealthy() throws Exception {
        CreateRequest req = new CreateRequest(EngineFixture.IMAGE, List.of("sleep", "60"), null, null, null, null, null, null, null,
                new HealthConfig(List.of("CMD-SHELL", "test -e /tmp/ready"), 200_000_000L, 2_000_000_000L, null, null, 2),
                null, 1, EngineFixture.host("none"));
        String id = f.create(req, null);
        f.engine.start(id);
        ContainerInspect inspect = awaitHealth(id, "unhealthy");
        assertThat(inspect.state().health().failingStreak()).isGreaterThanOrEqualTo(2);
        assertThat(inspect.state().health().log()).isNotEmpty().allMatch(l -> l.exitCode() == 1);
        f.io.startExec(f.io.createExec(id, new ExecRequest(List.of("touch", "/tmp/ready"), null, null, null)),
                new ByteArrayOutputStream(), new ByteArrayOutputStream());
        assertThat(awaitHealth(id, "healthy").state().health().failingStreak()).isZero();
        f.engine.stop(id, 1);
    }

    private ContainerInspect awaitHealth(String id, String status) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        ContainerInspect inspect = f.engine.inspect(id);
        while (System.nanoTime() < deadline && (inspect.state().health() == null || !inspect.state().health().status().equals(status))) {
            Thread.sleep(50);
            inspect = f.engine.inspect(id);
        }
        assertThat(inspect.state().health()).isNotNull();
        assertThat(inspect.state().health().status()).isEqualTo(status);
        return inspect;
    }

    @Test
    void aPublishedPortAnswersOnLoopbackAndContainersFindEachOtherByName() throws Exception {
        int port;
        try (var s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        HostConfig web = new HostConfig(null, null, false, 0, 0, null, "bridge",
                Map.of("80/tcp", List.of(new HostConfig.PortBinding("127.0.0.1", Integer.toString(port)))), null, false, null, null);
        String id = f.create(EngineFixture.request(web, "httpd", "-f", "-p", "80", "-h", "/srv"), "web");
        f.engine.start(id);
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        String body = null;
        for (int i = 0; i < 100 && body == null; i++) {
            try {
                body = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/index.html")).build(),
                        HttpResponse.BodyHandlers.ofString()).body();
            } catch (java.io.IOException e) {
                Thread.sleep(50);
            }
        }
        assertThat(body).isEqualTo("hello over http\n");
        ContainerInspect inspect = f.engine.inspect(id);
        assertThat(inspect.networkSettings().ports().get("80/tcp")).containsExactly(new HostConfig.PortBinding("127.0.0.1", Integer.toString(port)));
        Finished client = f.run(EngineFixture.request(EngineFixture.host("bridge"), "sh", "-c",
                "grep -w web /etc/hosts | cut -f1; printf 'GET /index.html HTTP/1.0\\r\\n\\r\\n' | nc web 80 | tail -1"));
        assertThat(client.stdout()).isEqualTo(inspect.networkSettings().ipAddress() + "\nhello over http\n");
        f.engine.remove(id, true);
        assertThat(f.leftovers().get("veths")).asList().isEmpty();
    }

    @Test
    void bindMountsTmpfsAndReadOnlyRoot() throws Exception {
        Path dir = Files.createTempDirectory(Path.of("/tmp"), "berth-bind-");
        try {
            Files.writeString(dir.resolve("in.txt"), "from the host\n");
            HostConfig host = new HostConfig(List.of(dir + ":/data", dir + ":/ro:ro"), Map.of("/scratch", "size=1m"), true, 0, 0,
                    null, "none", null, null, false, null, null);
            Finished r = f.run(EngineFixture.request(host, "sh", "-c",
                    "cat /data/in.txt; echo back > /data/out.txt; touch /ro/x 2>/dev/null || echo ro-refused;"
                            + " touch /etc/x 2>/dev/null || echo root-refused; echo t > /scratch/t && cat /scratch/t"));
            assertThat(r.stdout()).isEqualTo("from the host\nro-refused\nroot-refused\nt\n");
            assertThat(Files.readString(dir.resolve("out.txt"))).isEqualTo("back\n");
        } finally {
            new ProcessBuilder("rm", "-rf", dir.toString()).start().waitFor();
        }
    }

    @Test
    void execRunsInTheContainersNamespaces() throws Exception {
        CreateRequest req = new CreateRequest(EngineFixture.IMAGE, List.of("sleep", "60"), null, List.of("MARK=main"), null, null,
                "exec-box", null, null, null, null, 1, EngineFixture.host("none"));
        String id = f.create(req, null);
        f.engine.start(id);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        String exec = f.io.createExec(id, new ExecRequest(List.of("sh", "-c", "hostname; cat /proc/1/cmdline | tr '\\0' ' '; echo; echo $MARK; id -u"),
                null, null, "alice"));
        int code = f.io.startExec(exec, out, new ByteArrayOutputStream());
        assertThat(code).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("exec-box\nsleep 60 \nmain\n1000\n");
        assertThat(f.io.startExec(f.io.createExec(id, new ExecRequest(List.of("nope"), null, null, null)),
                new ByteArrayOutputStream(), new ByteArrayOutputStream())).isEqualTo(127);
        f.engine.stop(id, 1);
        // as PID 1 without a handler, sleep ignores SIGTERM: the stop ends with SIGKILL
        assertThat(f.engine.inspect(id).state().exitCode()).isEqualTo(137);
    }

    @Test
    void logsFollowSeesNewLinesAndEndsWithTheContainer() throws Exception {
        String id = f.create(EngineFixture.request(EngineFixture.host("none"), "sh", "-c",
                "for i in 1 2 3 4 5; do echo line $i; sleep 0.2; done"), null);
        f.engine.start(id);
        StringBuilder seen = new StringBuilder();
        f.io.logs(id, dev.berth.runtime.logs.LogQuery.ALL, true, l -> seen.append(new String(l.content(), StandardCharsets.UTF_8)));
        assertThat(seen.toString()).isEqualTo("line 1\nline 2\nline 3\nline 4\nline 5\n");
    }

    @Test
    void stopSendsTheStopSignalThenKills() throws Exception {
        String id = f.create(EngineFixture.request(EngineFixture.host("none"), "sh", "-c", "trap 'echo term; exit 7' TERM; while true; do sleep 0.1; done"), null);
        f.engine.start(id);
        Thread.sleep(300);
        f.engine.stop(id, 5);
        assertThat(f.engine.inspect(id).state().exitCode()).isEqualTo(7);
        String ignoring = f.create(EngineFixture.request(EngineFixture.host("none"), "sh", "-c", "trap '' TERM; while true; do sleep 0.1; done"), null);
        f.engine.start(ignoring);
        Thread.sleep(300);
        f.engine.stop(ignoring, 1);
        assertThat(f.engine.inspect(ignoring).state().exitCode()).isEqualTo(137);
    }

    @Test
    void logsRotateAtMaxSizeKeepingMaxFileFiles() throws Exception {
        HostConfig host = new HostConfig(null, null, false, 0, 0, null, "none", null, null, false,
                new HostConfig.LogConfig("k8s-file", Map.of("max-size", "2k", "max-file", "3")), null);
        Finished r = f.run(EngineFixture.request(host, "sh", "-c", "for i in $(seq 1 400); do echo line $i; sleep 0.002; done"));
        assertThat(r.exitCode()).isZero();
        Path log = Path.of(f.engine.inspect(r.id()).logPath());
        assertThat(Files.size(log)).isLessThanOrEqualTo(2048);
        assertThat(log.resolveSibling(log.getFileName() + ".1")).exists();
        assertThat(log.resolveSibling(log.getFileName() + ".3")).doesNotExist();
        StringBuilder all = new StringBuilder();
        f.io.logs(r.id(), dev.berth.runtime.logs.LogQuery.ALL, false, l -> all.append(new String(l.content(), StandardCharsets.UTF_8)));
        List<String> lines = List.of(all.toString().split("\n"));
        assertThat(lines.getLast()).isEqualTo("line 400");
        // consecutive to the end: nothing lost between the kept files
        int first = Integer.parseInt(lines.getFirst().substring(5));
        for (int i = 0; i < lines.size(); i++) {
            assertThat(lines.get(i)).isEqualTo("line " + (first + i));
        }
        assertThat(first).isGreaterThan(1); // the oldest files were dropped
    }

    @Test
    void aTakenHostPortFailsTheStartAndLeavesNothingBehind() throws Exception {
        try (var taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            HostConfig host = new HostConfig(null, null, false, 0, 0, null, "bridge",
                    Map.of("80/tcp", List.of(new HostConfig.PortBinding("127.0.0.1", Integer.toString(taken.getLocalPort())))),
                    null, false, null, null);
            String id = f.create(EngineFixture.request(host, "sleep", "30"), null);
            assertThatThrownBy(() -> f.engine.start(id)).isInstanceOf(EngineException.class)
                    .hasMessageContaining(Integer.toString(taken.getLocalPort())).hasMessageContaining("in use")
                    .satisfies(e -> assertThat(((EngineException) e).exitCode()).isEqualTo(125));
            f.engine.remove(id, false);
            Map<String, Object> left = f.leftovers();
            assertThat(left.get("mounts")).asList().isEmpty();
            assertThat(left.get("runc")).asList().isEmpty();
            assertThat(left.get("cgroups")).asList().isEmpty();
            assertThat(left.get("veths")).asList().isEmpty();
            assertThat(left.get("containers")).asList().isEmpty();
        }
    }

    @Test
    void statsShowUsageAgainstTheLimitAndTopListsTheProcesses() throws Exception {
        HostConfig host = new HostConfig(null, null, false, 64L << 20, 0, 50L, "none", null, null, false, null, null);
        String id = f.create(EngineFixture.request(host, "sh", "-c", "sleep 60 & sleep 61"), null);
        f.engine.start(id);
        Thread.sleep(300);
        Map<String, Object> stats = f.io.stats(id);
        Map<?, ?> memory = (Map<?, ?>) stats.get("memory_stats");
        assertThat(((Number) memory.get("limit")).longValue()).isEqualTo(64L << 20);
        assertThat(((Number) memory.get("usage")).longValue()).isPositive().isLessThan(64L << 20);
        assertThat(((Number) ((Map<?, ?>) stats.get("pids_stats")).get("limit")).longValue()).isEqualTo(50);
        Map<String, Object> top = f.io.top(id);
        List<?> rows = (List<?>) top.get("Processes");
        // the shell execs its last command, so the container holds exactly the two sleeps
        assertThat(rows.stream().map(r -> ((List<?>) r).getLast().toString()).toList())
                .containsExactlyInAnyOrder("sleep 60", "sleep 61");
        f.engine.remove(id, true);
    }

    @Test
    void aContainersImageStaysWhileTheContainerDoes() throws Exception {
        Finished r = f.run(EngineFixture.request(EngineFixture.host("none"), "true"));
        var store = dev.berth.oci.store.ImageStore.open(f.root);
        assertThatThrownBy(() -> store.remove(EngineFixture.IMAGE, false)).isInstanceOf(dev.berth.oci.OciException.class)
                .hasMessageContaining("container " + r.id().substring(0, 12) + " is using its referenced image");
        store.remove(EngineFixture.IMAGE, true); // forced: the name goes, the image stays for the container
        new dev.berth.oci.store.GarbageCollector(store).collect();
        f.engine.start(r.id()); // its layers, manifest and config are still there
        assertThat(f.engine.waitFor(r.id(), "not-running").get(30, java.util.concurrent.TimeUnit.SECONDS)).isZero();
        f.engine.remove(r.id(), false);
        assertThat(store.pins().list()).isEmpty();
        assertThat(new dev.berth.oci.store.GarbageCollector(store).collect().blobsRemoved()).isPositive();
    }
}
