package dev.berth.cli.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.berth.cli.BerthCommand;
import dev.berth.cli.model.InferenceTraffic.Answer;
import dev.berth.cli.model.InferenceTraffic.Kind;
import dev.berth.daemon.Daemon;
import dev.berth.daemon.client.EngineClient;
import dev.berth.oci.json.Json;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The example iris model, packaged as two real versions, deployed with two replicas behind one port and rolled forward
 * and back while clients keep sending inference requests: no request is lost, every answer is the exact answer of the
 * version that gave it, and the answers move from v1 to v2 and back to v1 as the rollouts complete. Also: the same
 * model packaged with dynamic batching answers concurrent requests exactly as the unbatched image does.
 */
class ModelRolloutTest {
    /** The borderline flower v1 calls versicolor and v2 virginica, and a clear setosa both agree on. */
    private static final float[][] FLOWERS = {{6.2f, 2.9f, 4.9f, 1.6f}, {5.0f, 3.4f, 1.5f, 0.2f}};
    private static final int VIRGINICA = 0;
    private static final int SETOSA = 1;
    private static final int VERSICOLOR = 2;

    private static Path root;
    private static Path models;

    // phases of the rollout, as the traffic records them
    private static final int V1 = 0;
    private static final int UPDATING = 1;
    private static final int V2 = 2;
    private static final int ROLLING_BACK = 3;
    private static final int V1_AGAIN = 4;

    @BeforeAll
    static void packageBothVersions() throws Exception {
        root = Files.createTempDirectory(Path.of("/tmp"), "berth-cli-rollout-");
        String repo = System.getenv().getOrDefault("BERTH_REPO_ROOT", Path.of("").toAbsolutePath().getParent().toString());
        models = Path.of(repo, "examples", "models");
        for (String version : List.of("1", "2")) {
            Path model = models.resolve("iris-v" + version + ".onnx");
            assertThat(model).as("the example model").isRegularFile();
            Run packaged = berth("model", "package", "-q", model.toString(), "-t", "iris:" + version, "--name", "iris");
            assertThat(packaged.exit()).as(packaged.err()).isZero();
        }
    }

    @AfterAll
    static void cleanUp() throws Exception {
        try {
            EngineClient client = new EngineClient(Daemon.defaultSocket(root));
            if (Files.exists(client.socket()) && client.ping()) {
                Run removed = berth("deploy", "rm", "iris");
                if (removed.exit() != 0 && !removed.err().contains("No such deployment")) {
                    System.err.println("cleanup: " + removed.err());
                }
                for (Object c : client.call("GET", "/containers/json?all=1", null, List.class)) {
                    client.call("DELETE", "/containers/" + ((Map<?, ?>) c).get("Id") + "?force=1", null, Void.class);
                }
                long pid = ((Number) client.call("GET", "/version", null, Map.class).get("Pid")).longValue();
                ProcessHandle.of(pid).ifPresent(p -> {
                    p.destroy(); // the daemon this test class started, by its PID
                    p.onExit().join();
                });
            }
        } finally {
            new ProcessBuilder("rm", "-rf", "--one-file-system", root.toString()).start().waitFor();
        }
    }

    @Test
    void aRollingUpdateAndARollbackUnderContinuousTrafficLoseNoRequestAndSwitchVersions() throws Exception {
        Map<String, List<Float>> expected = Map.of("1", inProcess("1", FLOWERS), "2", inProcess("2", FLOWERS));
        // the two versions must be told apart by their answers, or the switch below would prove nothing
        assertThat(argmax(expected.get("1"), 0)).isEqualTo(VERSICOLOR);
        assertThat(argmax(expected.get("2"), 0)).isEqualTo(VIRGINICA);
        assertThat(argmax(expected.get("1"), 1)).isEqualTo(SETOSA);
        assertThat(argmax(expected.get("2"), 1)).isEqualTo(SETOSA);

        int port = freePort();
        Run deployed = berth("deploy", "iris:1", "--port", Integer.toString(port), "--replicas", "2", "--name", "iris",
                "--readiness-timeout", "120s");
        assertThat(deployed.exit()).as(deployed.err()).isZero();
        assertThat(deployed.out()).isEqualTo("Deployment iris serves iris:1 (version 1, revision 1) on http://127.0.0.1:" + port
                + " with 2/2 replicas ready\n");

        String body = "{\"id\":\"ID\",\"inputs\":[{\"name\":\"input\",\"shape\":[" + FLOWERS.length
                + ",4],\"datatype\":\"FP32\",\"data\":[" + Arrays.stream(FLOWERS).map(Arrays::toString).collect(Collectors.joining(","))
                + "]}]}";
        long started = System.nanoTime();
        List<Answer> answers;
        int reconnects;
        Run updated;
        Run back;
        try (InferenceTraffic traffic = new InferenceTraffic(port, "iris", body, expected)) {
            traffic.start(Kind.HTTP_CLIENT, 3);
            traffic.start(Kind.KEPT_ALIVE_SOCKET, 2);
            traffic.start(Kind.FRESH_SOCKET, 2);
            traffic.awaitAnswered(V1, 100, Duration.ofSeconds(60));

            traffic.phase(UPDATING);
            updated = berth("deploy", "iris:2");
            traffic.phase(V2);
            assertThat(updated.exit()).as(updated.err()).isZero();
            traffic.awaitAnswered(V2, 100, Duration.ofSeconds(60));

            traffic.phase(ROLLING_BACK);
            back = berth("rollback", "iris");
            traffic.phase(V1_AGAIN);
            assertThat(back.exit()).as(back.err()).isZero();
            traffic.awaitAnswered(V1_AGAIN, 100, Duration.ofSeconds(60));
            traffic.close();
            answers = traffic.answers();
            reconnects = traffic.reconnects();
        }
        long seconds = Duration.ofNanos(System.nanoTime() - started).toSeconds();

        Map<Kind, Long> byKind = answers.stream().collect(Collectors.groupingBy(Answer::kind, Collectors.counting()));
        Map<Integer, Map<String, Long>> versionsByPhase = answers.stream().filter(Answer::ok).collect(Collectors.groupingBy(
                Answer::sentInPhase, Collectors.groupingBy(Answer::version, Collectors.counting())));
        System.out.println("rollout under traffic: " + answers.size() + " requests in " + seconds + " s; by client " + byKind
                + "; answering versions by the phase the request was sent in (0 v1, 1 updating, 2 v2, 3 rolling back, 4 v1) "
                + versionsByPhase + "; kept-alive socket reconnects " + reconnects);
        System.out.println(updated.err() + back.err());

        List<Answer> failed = answers.stream().filter(a -> !a.ok()).toList();
        assertThat(failed).as("requests that failed, of %d", answers.size()).isEmpty();
        assertThat(answers).hasSizeGreaterThan(300);
        for (Kind kind : Kind.values()) {
            assertThat(byKind.getOrDefault(kind, 0L)).as("requests from the %s clients", kind).isGreaterThan(50);
        }

        // before the update began: v1 only; once each rollout returned: only the version it rolled to
        assertThat(versions(answers, a -> a.answeredInPhase() == V1)).containsOnly("1");
        assertThat(versions(answers, a -> a.sentInPhase() == V2 && a.answeredInPhase() == V2)).containsOnly("2");
        assertThat(versions(answers, a -> a.sentInPhase() == V1_AGAIN)).containsOnly("1");
        // while each rollout ran, both versions answered: the switch happened under traffic, replica by replica
        assertThat(versions(answers, a -> a.sentInPhase() == UPDATING && a.answeredInPhase() == UPDATING))
                .as("answers while v2 rolled out").contains("1", "2");
        assertThat(versions(answers, a -> a.sentInPhase() == ROLLING_BACK && a.answeredInPhase() == ROLLING_BACK))
                .as("answers while rolling back to v1").contains("1", "2");
        assertThat(updated.err()).contains("draining replica iris-r1-");
        assertThat(back.err()).contains("draining replica iris-r2-");

        List<String> history = berth("deployments", "iris", "--history").out().lines().toList();
        System.out.println(String.join("\n", history));
        assertThat(history).hasSize(4);
        assertThat(history.get(0)).startsWith("REVISION");
        assertThat(history.get(1)).startsWith("3 ").contains("iris:1").contains("serving").contains("rollback to revision 1");
        assertThat(history.get(2)).startsWith("2 ").contains("iris:2").contains("replaced").matches(".* 3( .*)?$");
        assertThat(history.get(3)).startsWith("1 ").contains("iris:1").contains("replaced").matches(".* 2( .*)?$");

        Run removed = berth("deploy", "rm", "iris");
        assertThat(removed.exit()).as(removed.err()).isZero();
        assertThat(berth("ps", "-a", "-q").out()).as("no replica container left").isEmpty();
    }

    @Test
    void batchingAnswersConcurrentRequestsExactlyAsUnbatched() throws Exception {
        Path model = models.resolve("iris-v1.onnx");
        Run packaged = berth("model", "package", "-q", model.toString(), "-t", "iris-batched:1", "--name", "iris",
                "--batch-max-size", "8", "--batch-max-delay", "20ms");
        assertThat(packaged.exit()).as(packaged.err()).isZero();

        float[][] flowers = new float[32][];
        for (int i = 0; i < flowers.length; i++) {
            // spread over the three classes and the borders between them
            flowers[i] = new float[] {4.5f + 0.1f * i, 2.2f + 0.05f * (i % 7), 1.0f + 0.18f * i, 0.1f + 0.075f * i};
        }
        int plainPort = freePort();
        int batchedPort = freePort();
        List<String> ids = new ArrayList<>();
        try {
            for (String[] image : List.of(new String[] {"iris:1", Integer.toString(plainPort)},
                    new String[] {"iris-batched:1", Integer.toString(batchedPort)})) {
                Run run = berth("run", "-d", "-p", "127.0.0.1:" + image[1] + ":8080", "--memory", "256m", image[0]);
                assertThat(run.exit()).as(run.err()).isZero();
                ids.add(run.out().strip());
            }
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            awaitReady(http, plainPort);
            awaitReady(http, batchedPort);

            List<Float> reference = inProcess("1", flowers);
            double meanBatch = 0;
            for (int round = 1; round <= 5 && meanBatch <= 1; round++) {
                List<List<Float>> plain = concurrently(http, plainPort, flowers);
                List<List<Float>> batched = concurrently(http, batchedPort, flowers);
                for (int i = 0; i < flowers.length; i++) {
                    assertThat(batched.get(i)).as("flower %d, batched, round %d", i, round).isEqualTo(plain.get(i));
                    assertThat(plain.get(i)).as("flower %d, unbatched, against ONNX Runtime in process", i)
                            .isEqualTo(reference.subList(3 * i, 3 * i + 3));
                }
                meanBatch = meanBatchSize(http, batchedPort);
                assertThat(meanBatchSize(http, plainPort)).as("the unbatched image runs one request at a time").isEqualTo(1.0);
                System.out.println("batching round " + round + ": mean rows per run " + meanBatch);
            }
            assertThat(meanBatch).as("the batched image ran some requests together").isGreaterThan(1.0);
        } finally {
            for (String id : ids) {
                berth("rm", "-f", id);
            }
        }
    }

    // ---- helpers

    private static List<List<Float>> concurrently(HttpClient http, int port, float[][] flowers) throws Exception {
        CountDownLatch go = new CountDownLatch(1);
        try (ExecutorService pool = Executors.newFixedThreadPool(flowers.length)) {
            List<Future<List<Float>>> futures = new ArrayList<>();
            for (int i = 0; i < flowers.length; i++) {
                String body = "{\"id\":\"f" + i + "\",\"inputs\":[{\"name\":\"input\",\"shape\":[1,4],\"datatype\":\"FP32\",\"data\":"
                        + Arrays.toString(flowers[i]) + "}]}";
                futures.add(pool.submit(() -> {
                    go.await();
                    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                            + "/v2/models/iris/infer")).header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
                    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
                    List<Float> out = new ArrayList<>();
                    InferenceTraffic.flatten(Json.tree(r.body().getBytes(StandardCharsets.UTF_8), "answer")
                            .get("outputs").get(0).get("data"), out);
                    return out;
                }));
            }
            go.countDown();
            List<List<Float>> answers = new ArrayList<>();
            for (Future<List<Float>> f : futures) {
                answers.add(f.get());
            }
            return answers;
        }
    }

    /** Rows per run of the model so far, from the server's Prometheus histogram. */
    private static double meanBatchSize(HttpClient http, int port) throws Exception {
        String metrics = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        return metric(metrics, "berth_inference_batch_size_sum") / metric(metrics, "berth_inference_batch_size_count");
    }

    private static double metric(String metrics, String name) {
        Matcher m = Pattern.compile("(?m)^" + name + "\\{[^}]*} (\\S+)$").matcher(metrics);
        assertThat(m.find()).as("metric %s in:\n%s", name, metrics).isTrue();
        return Double.parseDouble(m.group(1));
    }

    private static void awaitReady(HttpClient http, int port) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            try {
                if (http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v2/health/ready")).build(),
                        HttpResponse.BodyHandlers.ofString()).statusCode() == 200) {
                    return;
                }
            } catch (java.io.IOException notYet) {
                // still starting
            }
            assertThat(System.nanoTime()).as("the server on port %d ready within 60 s", port).isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    /** ONNX Runtime's answer in this JVM, flattened row by row. */
    private static List<Float> inProcess(String version, float[][] flowers) throws Exception {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        List<Float> flat = new ArrayList<>();
        try (OrtSession session = env.createSession(models.resolve("iris-v" + version + ".onnx").toString());
                OnnxTensor input = OnnxTensor.createTensor(env, flowers); OrtSession.Result result = session.run(Map.of("input", input))) {
            for (float[] row : (float[][]) result.get(0).getValue()) {
                for (float p : row) {
                    flat.add(p);
                }
            }
        }
        return flat;
    }

    private static int argmax(List<Float> flat, int row) {
        int best = 0;
        for (int c = 1; c < 3; c++) {
            if (flat.get(3 * row + c) > flat.get(3 * row + best)) {
                best = c;
            }
        }
        return best;
    }

    private static java.util.Set<String> versions(List<Answer> answers, java.util.function.Predicate<Answer> which) {
        return answers.stream().filter(Answer::ok).filter(which).map(Answer::version).collect(Collectors.toSet());
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** What one berth command, run in this JVM against the test's root, printed and returned. */
    private record Run(int exit, String out, String err) {
    }

    private static Run berth(String... args) {
        List<String> full = new ArrayList<>(List.of("--root", root.toString()));
        full.addAll(List.of(args));
        String[] argv = full.toArray(String[]::new);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        var cl = BerthCommand.commandLine(argv);
        cl.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
        cl.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
        int exit = cl.execute(argv);
        return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
