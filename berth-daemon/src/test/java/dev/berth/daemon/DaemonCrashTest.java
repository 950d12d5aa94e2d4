package dev.berth.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.daemon.api.ContainerInspect;
import dev.berth.daemon.api.CreateRequest;
import dev.berth.daemon.client.EngineClient;
import dev.berth.oci.store.ImageStore;
import dev.berth.runtime.sys.Mounts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The daemon as a process of its own, killed with SIGKILL while a container runs: the container keeps running under
 * conmon, and the next daemon finds it and records its exit code when it ends.
 */
class DaemonCrashTest {
    @Test
    void aContainerOutlivesADaemonKilledWithSigkill() throws Exception {
        Path root = Files.createTempDirectory(Path.of("/tmp"), "berth-crash-");
        Path socket = root.resolve("api.sock");
        TestImage.build(ImageStore.open(root), EngineFixture.IMAGE);
        Process first = startDaemon(root, socket);
        Process second = null;
        try {
            EngineClient client = new EngineClient(socket);
            awaitPing(client);
            Map<?, ?> created = client.call("POST", "/containers/create?name=survivor", new CreateRequest(EngineFixture.IMAGE,
                    List.of("sh", "-c", "sleep 3; echo finished; exit 5"), null, null, null, null, null, null, null, null, null,
                    null, EngineFixture.host("bridge")), Map.class);
            String id = (String) created.get("Id");
            client.call("POST", "/containers/" + id + "/start", null, Void.class);
            first.destroyForcibly().waitFor(); // SIGKILL: no shutdown hook runs
            assertThat(Files.exists(Path.of("/proc", Long.toString(first.pid())))).isFalse();
            second = startDaemon(root, socket);
            awaitPing(client);
            ContainerInspect running = client.call("GET", "/containers/" + id + "/json", null, ContainerInspect.class);
            assertThat(running.state().running()).as("still running under its monitor").isTrue();
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            ContainerInspect inspect = running;
            while (System.nanoTime() < deadline && inspect.state().running()) {
                Thread.sleep(100);
                inspect = client.call("GET", "/containers/" + id + "/json", null, ContainerInspect.class);
            }
            assertThat(inspect.state().status()).isEqualTo("exited");
            assertThat(inspect.state().exitCode()).isEqualTo(5);
            try (EngineClient.Response logs = client.send("GET", "/containers/" + id + "/logs?stdout=1&stderr=1", null)) {
                assertThat(new String(logs.readAll(), java.nio.charset.StandardCharsets.UTF_8)).contains("finished");
            }
            client.call("DELETE", "/containers/" + id, null, Void.class);
            assertThat(Mounts.mountPointsUnder(root)).isEmpty();
        } finally {
            if (second != null) {
                second.destroy(); // SIGTERM: a clean shutdown
                second.waitFor();
            }
            if (first.isAlive()) {
                first.destroyForcibly().waitFor();
            }
            try (dev.berth.daemon.engine.Engine engine = dev.berth.daemon.engine.Engine.open(root)) {
                engine.list(true, Map.of()).forEach(c -> engine.remove(c.id(), true));
                engine.removeBridgeIfUnused();
            }
            new ProcessBuilder("rm", "-rf", "--one-file-system", root.toString()).start().waitFor();
        }
    }

    private static Process startDaemon(Path root, Path socket) throws Exception {
        String java = ProcessHandle.current().info().command().orElseThrow();
        return new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                "dev.berth.daemon.Daemon", root.toString(), socket.toString())
                .redirectErrorStream(true).redirectOutput(root.resolve("daemon.log").toFile()).start();
    }

    private static void awaitPing(EngineClient client) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            if (Files.exists(client.socket()) && client.ping()) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the daemon did not answer within 30 seconds");
    }
}
