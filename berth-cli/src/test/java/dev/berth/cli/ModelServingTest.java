package dev.berth.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.berth.daemon.Daemon;
import dev.berth.daemon.client.EngineClient;
import dev.berth.oci.json.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The story of a model, end to end: the example model packaged into an image, run as a container with a memory limit,
 * asked over HTTP, and its answer compared with ONNX Runtime's in this JVM on the same input.
 */
class ModelServingTest {
    private static final float[][] FLOWERS = {{5.0f, 3.4f, 1.5f, 0.2f}, {6.2f, 2.9f, 4.9f, 1.6f}, {7.7f, 3.0f, 6.1f, 2.3f},
            {5.9f, 3.0f, 4.2f, 1.5f}, {6.0f, 2.7f, 5.1f, 1.6f}};
    private static Path root;
    private static Path model;

    @BeforeAll
    static void setUp() throws Exception {
        root = Files.createTempDirectory(Path.of("/tmp"), "berth-cli-serving-");
        String repo = System.getenv().getOrDefault("BERTH_REPO_ROOT", Path.of("").toAbsolutePath().getParent().toString());
        model = Path.of(repo, "examples", "models", "iris-v1.onnx");
        assertThat(model).as("the example model the server's branch ships").isRegularFile();
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
        new ProcessBuilder("rm", "-rf", "--one-file-system", root.toString()).start().waitFor();
    }

    private static InProcessBerth.Run berth(String... args) {
        return InProcessBerth.run(root, args);
    }

    @Test
    void thePackagedModelAnswersOverHttpFromAContainerExactlyAsOnnxRuntimeInProcess() throws Exception {
        InProcessBerth.Run packaged = berth("model", "package", "-q", model.toString(), "-t", "iris:1");
        assertThat(packaged.exit()).as(packaged.err()).isZero();

        int port;
        try (var socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        StringBuilder data = new StringBuilder();
        for (float[] flower : FLOWERS) {
            data.append(data.isEmpty() ? "" : ",").append(java.util.Arrays.toString(flower));
        }
        String body = "{\"id\":\"e2e-1\",\"inputs\":[{\"name\":\"input\",\"shape\":[" + FLOWERS.length
                + ",4],\"datatype\":\"FP32\",\"data\":[" + data + "]}]}";
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest infer = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v2/models/iris/infer"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();

        long start = System.nanoTime();
        InProcessBerth.Run run = berth("run", "-d", "-p", "127.0.0.1:" + port + ":8080", "--memory", "256m", "iris:1");
        assertThat(run.exit()).as(run.err()).isZero();
        String id = run.out().strip();
        try {
            HttpResponse<String> answer = null;
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (System.nanoTime() < deadline) {
                try {
                    answer = http.send(infer, HttpResponse.BodyHandlers.ofString());
                    if (answer.statusCode() == 200) {
                        break;
                    }
                } catch (java.io.IOException notListeningYet) {
                    // the server is still starting
                }
                Thread.sleep(10);
            }
            long coldStartMillis = (System.nanoTime() - start) / 1_000_000;
            System.out.println("cold start, berth run -d (in process) to the first answered inference: " + coldStartMillis + " ms");
            assertThat(answer).as("an answer within 60 s; logs: %s", berth("logs", id).err()).isNotNull();
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);

            JsonNode json = Json.tree(answer.body().getBytes(), "inference response");
            assertThat(json.get("id").asString()).isEqualTo("e2e-1");
            JsonNode output = json.get("outputs").get(0);
            assertThat(output.get("name").asString()).isEqualTo("output");
            assertThat(output.get("datatype").asString()).isEqualTo("FP32");
            assertThat(output.get("shape").get(0).asInt()).isEqualTo(FLOWERS.length);
            List<Float> served = new java.util.ArrayList<>();
            flatten(output.get("data"), served);

            float[][] expected;
            OrtEnvironment env = OrtEnvironment.getEnvironment();
            try (OrtSession session = env.createSession(model.toString()); OnnxTensor input = OnnxTensor.createTensor(env, FLOWERS);
                    OrtSession.Result result = session.run(Map.of("input", input))) {
                expected = (float[][]) result.get(0).getValue();
            }
            List<Float> inProcess = new java.util.ArrayList<>();
            for (float[] row : expected) {
                for (float p : row) {
                    inProcess.add(p);
                }
            }
            assertThat(served).as("the container's answer, value for value").containsExactlyElementsOf(inProcess);
        } finally {
            berth("rm", "-f", id);
        }
    }

    private static void flatten(JsonNode node, List<Float> into) {
        if (node.isArray()) {
            for (JsonNode child : node) {
                flatten(child, into);
            }
        } else {
            into.add(node.floatValue());
        }
    }
}
