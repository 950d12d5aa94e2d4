package dev.berth.daemon.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.daemon.Daemon;
import dev.berth.daemon.EngineException;
import dev.berth.daemon.api.ContainerSummary;
import dev.berth.daemon.client.EngineClient;
import dev.berth.oci.json.Json;
import dev.berth.oci.store.ImageStore;
import dev.berth.runtime.sys.Mounts;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Deployments through the daemon's API, with real replica containers (runc, conmon, the bridge network) serving real
 * HTTP through the deployment's proxy on loopback.
 */
class DeploymentsTest {
    private static Path root;
    private static Path socket;
    private static Daemon daemon;
    private static EngineClient client;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeAll
    static void start() throws IOException {
        root = Files.createTempDirectory(Path.of("/tmp"), "berth-deploy-");
        socket = root.resolve("api.sock");
        ImageStore store = ImageStore.open(root);
        ServerImages.server(store, "test/m:1", "1", 8080, true);
        ServerImages.server(store, "test/m:2", "2", 9090, true);
        ServerImages.server(store, "test/m:never-ready", "3", 8080, false);
        ServerImages.crashing(store, "test/m:crash");
        daemon = Daemon.start(root, socket);
        client = new EngineClient(socket);
    }

    @AfterEach
    void removeDeployments() {
        for (DeploymentStatus d : client.call("GET", "/deployments", null, DeploymentStatus[].class)) {
            try {
                change("DELETE", "/deployments/" + d.name(), null);
            } catch (RuntimeException e) {
                System.err.println("cleanup of deployment " + d.name() + ": " + e.getMessage());
            }
        }
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (daemon != null) {
                var engine = daemon.engine();
                for (ContainerSummary c : engine.list(true, Map.of())) {
                    engine.remove(c.id(), true);
                }
                engine.removeBridgeIfUnused();
                daemon.close();
            }
        } finally {
            for (Path mount : Mounts.mountPointsUnder(root).reversed()) {
                Mounts.unmount(mount);
            }
            new ProcessBuilder("rm", "-rf", "--one-file-system", root.toString()).start().waitFor();
        }
    }

    // ---- the tests

    @Test
    void twoReplicasTakeRequestsInTurn() throws Exception {
        int port = freePort();
        Result deployed = change("POST", "/deployments", new DeployRequest("test/m:1", null, port, null, 2, null, null, null, 30));
        DeploymentStatus status = deployed.deployment();
        assertThat(status.name()).as("named after the model-name label").isEqualTo("m");
        assertThat(status.ready()).isEqualTo(2);
        assertThat(status.desired()).isEqualTo(2);
        assertThat(status.version()).isEqualTo("1");
        assertThat(deployed.steps()).anyMatch(s -> s.contains("is ready at"));
        List<String> who = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            who.add(get(port, "/whoami").body().strip());
        }
        assertThat(new HashSet<>(who)).hasSize(2);
        for (int i = 1; i < who.size(); i++) {
            assertThat(who.get(i)).as("request " + i + " goes to the other replica").isNotEqualTo(who.get(i - 1));
        }
        // the replicas are ordinary containers, labelled with their deployment and revision
        List<ContainerSummary> containers = replicaContainers("m");
        assertThat(containers).hasSize(2).allSatisfy(c -> {
            assertThat(c.labels()).containsEntry("dev.berth.deployment", "m").containsEntry("dev.berth.deployment.revision", "1");
            assertThat(c.ports()).as("no host port of their own").isEmpty();
            assertThat(c.state()).isEqualTo("running");
        });
        assertThat(who).allMatch(h -> containers.stream().anyMatch(c -> c.id().startsWith(h)));
        assertThat(Files.readString(root.resolve("deployments/m.json"))).contains("\"port\":" + port);
    }

    @Test
    void aRollingUpdateAndARollbackUnderTrafficLoseNoRequest() throws Exception {
        int port = freePort();
        change("POST", "/deployments", new DeployRequest("test/m:1", "iris", port, null, 2, null, null, null, 30));
        try (Traffic traffic = new Traffic(port)) {
            traffic.awaitMore(30);
            Result update = change("POST", "/deployments", new DeployRequest("test/m:2", "iris", null, null, null, null, null, null, null));
            long updated = System.nanoTime();
            assertThat(update.deployment().revision()).isEqualTo(2);
            assertThat(update.deployment().version()).isEqualTo("2");
            assertThat(update.steps()).anyMatch(s -> s.startsWith("draining replica iris-r1-"));
            traffic.awaitMore(30);
            long rollbackStarted = System.nanoTime();
            Result back = change("POST", "/deployments/iris/rollback", null);
            long rolledBack = System.nanoTime();
            assertThat(back.deployment().version()).isEqualTo("1");
            assertThat(back.deployment().revision()).isEqualTo(3);
            traffic.awaitMore(30);
            traffic.close();
            List<Traffic.Result> results = traffic.results();
            System.out.println("answers in order: " + runs(results));
            assertThat(results).hasSizeGreaterThan(90);
            assertThat(results).as("every request answered 200, none lost")
                    .allSatisfy(r -> {
                        assertThat(r.error()).isNull();
                        assertThat(r.status()).isEqualTo(200);
                    });
            // v1, then v2 from the end of the update on, then v1 again from the end of the rollback on
            assertThat(results.getFirst().version()).isEqualTo("v1");
            assertThat(results.stream().filter(r -> r.sentNanos() > updated && r.sentNanos() < rollbackStarted))
                    .isNotEmpty().allMatch(r -> r.version().equals("v2"));
            assertThat(results.stream().filter(r -> r.sentNanos() > rolledBack)).isNotEmpty().allMatch(r -> r.version().equals("v1"));
            // during the update both versions answered: the switch was gradual, not a gap
            assertThat(results.stream().filter(r -> r.sentNanos() < updated).map(Traffic.Result::version)).contains("v1");
        }
        DeploymentStatus history = client.call("GET", "/deployments/iris", null, DeploymentStatus.class);
        assertThat(history.history()).extracting(Deployment.Revision::number, Deployment.Revision::version,
                Deployment.Revision::status, Deployment.Revision::replacedBy, Deployment.Revision::rollbackOf)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(3, "1", "serving", null, 1),
                        org.assertj.core.groups.Tuple.tuple(2, "2", "replaced", 3, null),
                        org.assertj.core.groups.Tuple.tuple(1, "1", "replaced", 2, null));
        assertThat(replicaContainers("iris")).hasSize(2)
                .allSatisfy(c -> assertThat(c.labels()).containsEntry("dev.berth.deployment.revision", "3"));
    }

    @Test
    void aVersionThatNeverBecomesReadyIsUndoneWhileTheOldOneServes() throws Exception {
        int port = freePort();
        change("POST", "/deployments", new DeployRequest("test/m:1", "m", port, null, 2, null, null, null, 30));
        Set<String> before = ids(replicaContainers("m"));
        try (Traffic traffic = new Traffic(port)) {
            traffic.awaitMore(10);
            assertThatThrownBy(() -> change("POST", "/deployments",
                    new DeployRequest("test/m:never-ready", "m", null, null, null, null, null, null, 3)))
                    .isInstanceOf(EngineException.class)
                    .hasMessageContaining("the rollout of test/m:never-ready to deployment m failed")
                    .hasMessageContaining("did not become ready within 3 s")
                    .hasMessageContaining("/v2/health/ready answered 404")
                    .hasMessageContaining("revision 1 (test/m:1) still serves");
            assertThatThrownBy(() -> change("POST", "/deployments",
                    new DeployRequest("test/m:crash", "m", null, null, null, null, null, null, 30)))
                    .isInstanceOf(EngineException.class)
                    .hasMessageContaining("exited with code 3 before it became ready")
                    .hasMessageContaining("model file is corrupt");
            traffic.awaitMore(10);
            traffic.close();
            assertThat(traffic.results()).allSatisfy(r -> {
                assertThat(r.status()).isEqualTo(200);
                assertThat(r.version()).isEqualTo("v1");
            });
        }
        assertThat(ids(replicaContainers("m"))).as("the old replicas, untouched; no new one left").isEqualTo(before);
        DeploymentStatus status = client.call("GET", "/deployments/m", null, DeploymentStatus.class);
        assertThat(status.revision()).isEqualTo(1);
        assertThat(status.ready()).isEqualTo(2);
        assertThat(status.history()).extracting(Deployment.Revision::number, Deployment.Revision::status)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(3, "failed"), org.assertj.core.groups.Tuple.tuple(2, "failed"),
                        org.assertj.core.groups.Tuple.tuple(1, "serving"));
        assertThat(status.history().get(1).message()).contains("did not become ready");
        // a rollback skips failed revisions: there is nothing that served before revision 1
        assertThatThrownBy(() -> change("POST", "/deployments/m/rollback", null)).isInstanceOf(EngineException.class)
                .hasMessageContaining("no earlier revision that served");
    }

    @Test
    void aNewDeploymentThatNeverBecomesReadyLeavesNothing() throws Exception {
        int port = freePort();
        assertThatThrownBy(() -> change("POST", "/deployments",
                new DeployRequest("test/m:never-ready", "bad", port, null, 1, null, null, null, 2)))
                .isInstanceOf(EngineException.class).hasMessageContaining("deployment bad was not created")
                .hasMessageContaining("did not become ready within 2 s");
        assertThat(replicaContainers("bad")).isEmpty();
        assertThat(root.resolve("deployments/bad.json")).doesNotExist();
        assertRefused(port);
    }

    @Test
    void aReplicaThatDiesIsReplaced() throws Exception {
        int port = freePort();
        change("POST", "/deployments", new DeployRequest("test/m:1", "m", port, null, 2, null, null, null, 30));
        ContainerSummary victim = replicaContainers("m").getFirst();
        daemon.engine().kill(victim.id(), "SIGKILL");
        DeploymentStatus status = awaitReady("m", 2, s -> s.replicas().stream().noneMatch(r -> r.id().equals(victim.id())));
        assertThat(status.replicas()).hasSize(2);
        assertThat(ids(replicaContainers("m"))).doesNotContain(victim.id()).hasSize(2);
        for (int i = 0; i < 4; i++) {
            assertThat(get(port, "/v2/models/m").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void aRestartedDaemonAdoptsTheReplicasAndListensAgain() throws Exception {
        int port = freePort();
        change("POST", "/deployments", new DeployRequest("test/m:2", "m", port, null, 2, null, null, null, 30));
        Set<String> before = ids(replicaContainers("m"));
        daemon.close();
        assertRefused(port);
        daemon = Daemon.start(root, socket);
        DeploymentStatus status = awaitReady("m", 2, s -> true);
        assertThat(ids(replicaContainers("m"))).as("the same containers, adopted").isEqualTo(before);
        assertThat(status.replicas()).extracting(DeploymentStatus.ReplicaStatus::id).containsExactlyInAnyOrderElementsOf(before);
        assertThat(get(port, "/v2/models/m").body()).isEqualTo("v2\n");
        // the limits came from the image's labels
        for (String id : before) {
            var host = daemon.engine().inspect(id).hostConfig();
            assertThat(host.memory()).isEqualTo(96L << 20);
            assertThat(host.nanoCpus()).isEqualTo(500_000_000L);
        }
    }

    @Test
    void removalLeavesNoContainerAndFreesThePort() throws Exception {
        int port = freePort();
        change("POST", "/deployments", new DeployRequest("test/m:1", "gone", port, null, 2, null, null, null, 30));
        assertThat(get(port, "/v2/models/m").statusCode()).isEqualTo(200);
        Result removed = change("DELETE", "/deployments/gone", null);
        assertThat(removed.last().path("removed").asString()).isEqualTo("gone");
        assertThat(replicaContainers("gone")).isEmpty();
        assertRefused(port);
        assertThat(root.resolve("deployments/gone.json")).doesNotExist();
        assertThat(client.call("GET", "/deployments", null, DeploymentStatus[].class)).isEmpty();
        try (ServerSocket again = new ServerSocket()) {
            again.bind(new InetSocketAddress("127.0.0.1", port)); // free for anyone
        }
    }

    @Test
    void badRequestsAreRefusedByNameAndChangeNothing() throws Exception {
        int port = freePort();
        assertThatThrownBy(() -> change("POST", "/deployments", new DeployRequest("test/m:9", null, port, null, 1, null, null, null, null)))
                .isInstanceOf(EngineException.class).hasMessageContaining("No such image: test/m:9")
                .satisfies(e -> assertThat(((EngineException) e).kind()).isEqualTo(EngineException.Kind.NOT_FOUND));
        assertThatThrownBy(() -> change("POST", "/deployments", new DeployRequest("test/m:1", null, null, null, 1, null, null, null, null)))
                .isInstanceOf(EngineException.class).hasMessageContaining("give the port it listens on (--port)");
        assertThatThrownBy(() -> change("POST", "/deployments", new DeployRequest("test/m:1", "no/slash", port, null, 1, null, null, null, null)))
                .isInstanceOf(EngineException.class).hasMessageContaining("invalid deployment name 'no/slash'");
        assertThatThrownBy(() -> change("POST", "/deployments", new DeployRequest("test/m:1", null, port, null, 0, null, null, null, null)))
                .isInstanceOf(EngineException.class).hasMessageContaining("invalid replica count 0");
        assertThatThrownBy(() -> change("POST", "/deployments", new DeployRequest("test/m:1", null, port, null, 1, null, null, "health", null)))
                .isInstanceOf(EngineException.class).hasMessageContaining("invalid readiness path 'health'");
        assertThatThrownBy(() -> change("POST", "/deployments", new DeployRequest("test/m:1", null, port, "localhost", 1, null, null, null, null)))
                .isInstanceOf(EngineException.class).hasMessageContaining("invalid publish address 'localhost'");
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress("127.0.0.1", port));
            assertThatThrownBy(() -> change("POST", "/deployments", new DeployRequest("test/m:1", null, port, null, 1, null, null, null, null)))
                    .isInstanceOf(EngineException.class).hasMessageContaining("127.0.0.1:" + port).hasMessageContaining("in use")
                    .satisfies(e -> assertThat(((EngineException) e).kind()).isEqualTo(EngineException.Kind.CONFLICT));
        }
        assertThatThrownBy(() -> change("POST", "/deployments/none/rollback", null)).isInstanceOf(EngineException.class)
                .hasMessageContaining("No such deployment: none");
        assertThatThrownBy(() -> change("DELETE", "/deployments/none", null)).isInstanceOf(EngineException.class)
                .hasMessageContaining("No such deployment: none");
        assertThat(client.call("GET", "/deployments", null, DeploymentStatus[].class)).isEmpty();
        assertThat(daemon.engine().list(true, Map.of())).isEmpty();
        assertThat(root.resolve("deployments/m.json")).doesNotExist();
        // an existing deployment cannot move to another port by a deploy
        change("POST", "/deployments", new DeployRequest("test/m:1", null, port, null, 1, null, null, null, null));
        assertThatThrownBy(() -> change("POST", "/deployments", new DeployRequest("test/m:2", null, port + 1, null, null, null, null, null, null)))
                .isInstanceOf(EngineException.class).hasMessageContaining("listens on port " + port);
        assertThat(client.call("GET", "/deployments/m", null, DeploymentStatus.class).history()).hasSize(1);
    }

    @Test
    void scalingTheSameRevisionKeepsItsLimitsAndChangingALimitRollsANewRevision() throws Exception {
        int port = freePort();
        change("POST", "/deployments", new DeployRequest("test/m:1", null, port, null, 1, 64L << 20, null, null, null));
        DeploymentStatus up = change("POST", "/deployments", new DeployRequest("test/m:1", null, null, null, 3, null, null, null, null)).deployment();
        assertThat(up.revision()).isEqualTo(1);
        assertThat(up.ready()).isEqualTo(3);
        assertThat(replicaContainers("m")).hasSize(3)
                .allSatisfy(c -> assertThat(daemon.engine().inspect(c.id()).hostConfig().memory()).isEqualTo(64L << 20));
        DeploymentStatus down = change("POST", "/deployments", new DeployRequest("test/m:1", null, null, null, 1, null, null, null, null)).deployment();
        assertThat(down.ready()).isEqualTo(1);
        assertThat(replicaContainers("m")).hasSize(1);
        assertThat(client.call("GET", "/deployments/m", null, DeploymentStatus.class).history()).hasSize(1);
        DeploymentStatus smaller = change("POST", "/deployments", new DeployRequest("test/m:1", null, null, null, null, 32L << 20, null, null, null)).deployment();
        assertThat(smaller.revision()).isEqualTo(2);
        assertThat(replicaContainers("m")).singleElement()
                .satisfies(c -> assertThat(daemon.engine().inspect(c.id()).hostConfig().memory()).isEqualTo(32L << 20));
    }

    // ---- helpers

    /** "v1×40 v2×3 …": the versions answered, in order, as runs. */
    private static String runs(List<Traffic.Result> results) {
        StringBuilder out = new StringBuilder();
        String last = null;
        int count = 0;
        for (Traffic.Result r : results) {
            String v = r.status() == 200 ? r.version() : "status " + r.status() + " " + r.error();
            if (v.equals(last)) {
                count++;
                continue;
            }
            if (last != null) {
                out.append(last).append('×').append(count).append(' ');
            }
            last = v;
            count = 1;
        }
        return out.append(last).append('×').append(count).toString();
    }

    /** The stream's steps and its last line; an error line is thrown as the CLI would show it. */
    record Result(List<String> steps, JsonNode last) {
        DeploymentStatus deployment() {
            return Json.mapper().treeToValue(last.path("deployment"), DeploymentStatus.class);
        }
    }

    private static Result change(String method, String path, Object body) {
        try (EngineClient.Response r = client.send(method, path, body)) {
            if (r.status >= 400) {
                EngineClient.check(r, r.readAll());
            }
            List<String> steps = new ArrayList<>();
            JsonNode last = null;
            BufferedReader lines = new BufferedReader(new InputStreamReader(r.body, StandardCharsets.UTF_8));
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                JsonNode node = Json.tree(line.getBytes(StandardCharsets.UTF_8), "a line of " + path);
                if (node.has("step")) {
                    steps.add(node.path("step").asString());
                } else {
                    last = node;
                }
            }
            if (last == null) {
                throw new AssertionError(method + " " + path + " ended without a result; steps: " + steps);
            }
            if (last.has("error")) {
                throw new EngineException(EngineException.Kind.FAILED, last.path("error").asString());
            }
            return new Result(steps, last);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private HttpResponse<String> get(int port, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static List<ContainerSummary> replicaContainers(String deployment) {
        return daemon.engine().list(true, Map.of("label", List.of("dev.berth.deployment=" + deployment)));
    }

    private static Set<String> ids(List<ContainerSummary> containers) {
        Set<String> ids = new HashSet<>();
        containers.forEach(c -> ids.add(c.id()));
        return ids;
    }

    private static DeploymentStatus awaitReady(String name, int ready, java.util.function.Predicate<DeploymentStatus> also)
            throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        DeploymentStatus s = null;
        while (System.nanoTime() < deadline) {
            try {
                s = client.call("GET", "/deployments/" + name, null, DeploymentStatus.class);
                if (s.ready() == ready && s.replicas().size() == ready && also.test(s)) {
                    return s;
                }
            } catch (EngineException e) {
                // the daemon is starting
            }
            Thread.sleep(100);
        }
        throw new AssertionError("deployment " + name + " did not get " + ready + " ready replicas: " + s);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static void assertRefused(int port) {
        assertThatThrownBy(() -> {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 2_000);
            }
        }).isInstanceOf(java.net.ConnectException.class);
    }
}
