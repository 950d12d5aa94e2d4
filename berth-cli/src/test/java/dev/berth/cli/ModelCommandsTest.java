package dev.berth.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.daemon.Daemon;
import dev.berth.daemon.client.EngineClient;
import dev.berth.oci.json.Json;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * {@code berth model package}, {@code berth model history} and the Model section of {@code berth inspect} through the
 * CLI, with the server's jars found on this test JVM's class path, and the packaged image run as a real container.
 */
class ModelCommandsTest {
    private static Path root;
    private static Path models;

    @BeforeAll
    static void packageTwoVersions() throws Exception {
        root = Files.createTempDirectory(Path.of("/tmp"), "berth-cli-model-");
        models = Files.createDirectories(root.resolve("models"));
        for (String name : List.of("linear-v1.onnx", "linear-v2.onnx")) {
            try (InputStream in = ModelCommandsTest.class.getResourceAsStream("model/" + name)) {
                Files.copy(in, models.resolve(name));
            }
        }
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
        if (Files.exists(root.resolve("daemon.log"))) {
            System.out.println(Files.readString(root.resolve("daemon.log")));
        }
        new ProcessBuilder("rm", "-rf", "--one-file-system", root.toString()).start().waitFor();
    }

    private static InProcessBerth.Run berth(String... args) {
        return InProcessBerth.run(root, args);
    }

    @Test
    void packageThenInspectThenHistoryThenRunTheImagesJava() {
        InProcessBerth.Run v1 = berth("model", "package", models.resolve("linear-v1.onnx").toString(), "-t", "linear:1",
                "--memory", "256m", "--cpus", "1");
        assertThat(v1.exit()).as(v1.err()).isZero();
        assertThat(v1.err()).contains("Checking ").contains("with ONNX Runtime");
        assertThat(v1.out()).contains("Model      linear 1  sha256:").contains("Inputs     features FP32 [-1, 4]")
                .contains("Outputs    scores FP32 [-1, 3], label INT64 [-1]").contains("Image      linear:1  sha256:");

        InProcessBerth.Run v2 = berth("model", "package", models.resolve("linear-v2.onnx").toString(), "-t", "linear:2",
                "--batch-max-size", "16", "--batch-max-delay", "500us");
        assertThat(v2.exit()).as(v2.err()).isZero();
        List<String> layerRows = v2.out().lines().filter(l -> l.matches("^(base|java|server|model) .*")).toList();
        assertThat(layerRows).hasSize(4);
        assertThat(layerRows.subList(0, 3)).allMatch(l -> l.contains(" reused "));
        assertThat(layerRows.get(3)).contains(" new ");

        InProcessBerth.Run inspect = berth("inspect", "linear:2");
        assertThat(inspect.exit()).as(inspect.err()).isZero();
        JsonNode model = Json.tree(inspect.out().getBytes(), "inspect").get(0).get("Model");
        assertThat(model.get("Name").asString()).isEqualTo("linear");
        assertThat(model.get("Version").asString()).isEqualTo("2");
        assertThat(model.get("Inputs").get(0).get("name").asString()).isEqualTo("features");
        assertThat(model.get("Outputs").get(1).get("datatype").asString()).isEqualTo("INT64");
        assertThat(model.get("Batching").get("MaxSize").asString()).isEqualTo("16");
        assertThat(model.get("Batching").get("MaxDelay").asString()).isEqualTo("PT0.0005S");
        assertThat(model.get("Provenance").get("BuiltBy").asString()).contains("@");
        assertThat(model.get("Provenance").get("Java").asString()).startsWith("jlink ");

        InProcessBerth.Run history = berth("model", "history", "linear");
        assertThat(history.exit()).as(history.err()).isZero();
        List<String> lines = history.out().lines().toList();
        assertThat(lines.getFirst()).startsWith("VERSION").contains("MODEL SHA256").contains("BUILT BY").contains("COMMIT");
        assertThat(lines).hasSize(3);
        assertThat(lines.get(1)).startsWith("2 ");
        assertThat(lines.get(2)).startsWith("1 ");
        JsonNode json = Json.tree(berth("model", "history", "--format", "json", "linear").out().getBytes(), "history");
        assertThat(json.size()).isEqualTo(2);
        assertThat(json.get(1).get("tag").asString()).isEqualTo("1");
        assertThat(json.get(1).get("modelSha256").asString()).hasSize(64);

        // The jlinked Java on the Debian base, as the image's user, in a real container.
        InProcessBerth.Run java = berth("run", "--rm", "--network", "none", "--entrypoint", "/opt/java/openjdk/bin/java",
                "linear:1", "-Xshare:on", "-version");
        assertThat(java.exit()).as(java.out() + java.err()).isZero();
        assertThat(java.err()).contains("version \"25");
    }

    @Test
    void aFileThatIsNotAModelIsRefusedByNameAndNoImageIsMade() throws Exception {
        Path text = Files.writeString(models.resolve("notes.onnx"), "just notes\n");
        InProcessBerth.Run r = berth("model", "package", text.toString(), "-t", "notes:1");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("Error: " + text + " is not a valid ONNX model: ");
        assertThat(berth("inspect", "notes:1").exit()).isNotZero();

        InProcessBerth.Run noVersion = berth("model", "package", models.resolve("linear-v1.onnx").toString(), "-t", "linear");
        assertThat(noVersion.exit()).isEqualTo(1);
        assertThat(noVersion.err()).contains("NAME:VERSION");
        InProcessBerth.Run badDelay = berth("model", "package", models.resolve("linear-v1.onnx").toString(), "-t", "linear:9",
                "--batch-max-size", "4", "--batch-max-delay", "soon");
        assertThat(badDelay.exit()).isEqualTo(1);
        assertThat(badDelay.err()).contains("--batch-max-delay 'soon' is not a duration");
        InProcessBerth.Run unknown = berth("model", "history", "nothing-here");
        assertThat(unknown.exit()).isEqualTo(1);
        assertThat(unknown.err()).contains("no packaged versions of model 'nothing-here'");
    }
}
