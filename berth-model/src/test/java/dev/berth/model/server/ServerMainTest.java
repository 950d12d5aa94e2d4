package dev.berth.model.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.model.ModelException;
import dev.berth.model.onnx.TestModels;
import dev.berth.model.repository.ModelConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ServerMain's command line and the model repository layout a packaged image has. */
class ServerMainTest {
    @TempDir
    Path dir;

    @Test
    void aRepositoryServesEveryModelDirectoryWithItsConfig() throws Exception {
        Path iris = Files.createDirectories(dir.resolve("iris"));
        Files.copy(TestModels.irisV1(), iris.resolve("model.onnx"));
        Files.write(iris.resolve("config.json"), new ModelConfig("iris", "3", new ModelConfig.Batching(8, 1500)).toJson());
        Path plain = Files.createDirectories(dir.resolve("plain-model"));
        Files.copy(TestModels.irisV2(), plain.resolve("model.onnx"));
        Files.createDirectories(dir.resolve("empty"));
        Files.writeString(dir.resolve("README"), "not a model");

        ServerMain.Launch launch = ServerMain.parse(new String[] {"--model-repository", dir.toString(), "--port", "0", "--host", "127.0.0.1"});
        assertThat(launch.models()).extracting(s -> s.config().name()).containsExactly("iris", "plain-model");
        assertThat(launch.models().getFirst().config()).isEqualTo(new ModelConfig("iris", "3", new ModelConfig.Batching(8, 1500)));
        assertThat(launch.models().get(1).config()).isEqualTo(new ModelConfig("plain-model", "", null));

        try (ModelServer server = ModelServer.start(launch.options(), launch.models(), Http.QUIET)) {
            Http.Reply meta = Http.get(server.baseUri(), "/v2/models/iris/versions/3");
            assertThat(meta.status()).isEqualTo(200);
            assertThat(meta.json().get("parameters").get("batching").get("enabled").asBoolean()).isTrue();
            assertThat(meta.json().get("parameters").get("batching").get("max_delay_us").asLong()).isEqualTo(1500);
            assertThat(Http.get(server.baseUri(), "/v2/models/plain-model").status()).isEqualTo(200);
        }
    }

    @Test
    void configFilesReadAsModelConfigReadsThem() throws Exception {
        for (ModelConfig config : List.of(new ModelConfig("a", "1", null), new ModelConfig("b", "", new ModelConfig.Batching(64, 250)),
                new ModelConfig("c.d-e_f", "2024-01", new ModelConfig.Batching(1, 0)))) {
            Path file = dir.resolve(config.name() + ".json");
            Files.write(file, config.toJson());
            assertThat(ModelConfigReader.read(file)).isEqualTo(config).isEqualTo(ModelConfig.read(file));
        }
        Path extra = Files.writeString(dir.resolve("extra.json"), "{\"future\":{\"x\":[1]},\"name\":\"m\",\"batching\":{\"maxSize\":4,\"maxDelayMicros\":10,\"more\":true}}");
        assertThat(ModelConfigReader.read(extra)).isEqualTo(new ModelConfig("m", "", new ModelConfig.Batching(4, 10)));
        Path bad = Files.writeString(dir.resolve("bad.json"), "{\"name\":\"m\",\"batching\":{\"maxSize\":-1}}");
        assertThatThrownBy(() -> ModelConfigReader.read(bad)).isInstanceOf(ModelException.class).hasMessageContaining("at least 1");
        Path broken = Files.writeString(dir.resolve("broken.json"), "{\"name\":");
        assertThatThrownBy(() -> ModelConfigReader.read(broken)).isInstanceOf(ModelException.class).hasMessageContaining("malformed model config");
        Path noName = Files.writeString(dir.resolve("noname.json"), "{}");
        assertThatThrownBy(() -> ModelConfigReader.read(noName)).isInstanceOf(ModelException.class).hasMessageContaining("model name 'null' is not valid");
    }

    @Test
    void defaultsSuitAnImage() {
        ServerMain.Launch launch = ServerMain.parse(new String[] {"--model", "/m/iris.onnx"});
        assertThat(launch.options().host()).isEqualTo("0.0.0.0");
        assertThat(launch.options().port()).isEqualTo(8080);
        assertThat(launch.options().maxBodyBytes()).isEqualTo(ServerOptions.DEFAULT_MAX_BODY_BYTES);
        assertThat(launch.options().maxConcurrency()).isEqualTo(256);
        assertThat(launch.options().intraOpThreads()).isEqualTo(1);
        assertThat(launch.options().accessLog()).isFalse();
        assertThat(launch.models()).containsExactly(new ModelSource(Path.of("/m/iris.onnx"), new ModelConfig("iris", "", null)));
        assertThat(ServerMain.parse(new String[] {"--help"})).isNull();
    }

    @Test
    void everyOptionIsRead() {
        ServerMain.Launch launch = ServerMain.parse(new String[] {"--model=/m/x.onnx", "--name", "flowers", "--model-version", "7",
            "--batch-max-size", "16", "--batch-max-delay", "500us", "--host", "::1", "--port", "9000", "--max-body-bytes", "1000",
            "--max-concurrency", "4", "--threads", "12", "--intra-op-threads", "2", "--stop-timeout", "5s", "--access-log"});
        assertThat(launch.options()).isEqualTo(new ServerOptions("::1", 9000, 1000, 4, 12, 2, Duration.ofSeconds(5), true));
        assertThat(launch.models().getFirst().config()).isEqualTo(new ModelConfig("flowers", "7", new ModelConfig.Batching(16, 500)));
    }

    @Test
    void wrongCommandLinesAreRefusedByName() {
        assertThatThrownBy(() -> ServerMain.parse(new String[] {"--colour", "red"})).isInstanceOf(ModelException.class).hasMessage("unknown option '--colour'");
        assertThatThrownBy(() -> ServerMain.parse(new String[] {"--port"})).hasMessage("--port needs a value");
        assertThatThrownBy(() -> ServerMain.parse(new String[] {"--port", "eighty"})).hasMessage("--port needs a whole number, not 'eighty'");
        assertThatThrownBy(() -> ServerMain.parse(new String[] {"--port", "70000", "--model", "m.onnx"})).hasMessage("port 70000 is out of range 0-65535");
        assertThatThrownBy(() -> ServerMain.parse(new String[] {"--model", "a.onnx", "--model-repository", "/r"})).hasMessageContaining("not both");
        assertThatThrownBy(() -> ServerMain.parse(new String[] {"--name", "x", "--model-repository", "/r"})).hasMessageContaining("go with --model");
        assertThatThrownBy(() -> ServerMain.parse(new String[] {"--model", "a.onnx", "--batch-max-size", "8", "--batch-max-delay", "5"}))
                .hasMessageContaining("needs a unit");
        assertThatThrownBy(() -> ServerMain.parse(new String[] {"--model", "a.onnx", "--batch-max-delay", "5ms"})).hasMessageContaining("needs --batch-max-size");
        assertThatThrownBy(() -> ServerMain.parse(new String[] {"--model", "a.onnx", "--name", "bad name"})).hasMessageContaining("model name 'bad name' is not valid");
        assertThatThrownBy(() -> ServerMain.parse(new String[] {"--model-repository", dir.resolve("nothing").toString()})).hasMessageContaining("is not a directory");
        assertThatThrownBy(() -> ServerMain.parse(new String[] {"--model-repository", dir.toString()})).hasMessageContaining("holds no model");
    }

    @Test
    void aModelThatCannotLoadStopsTheStartAndNamesTheFile() throws Exception {
        Path junk = Files.writeString(dir.resolve("junk.onnx"), "junk");
        assertThatThrownBy(() -> ModelServer.start(ServerOptions.defaults("127.0.0.1", 0),
                List.of(new ModelSource(junk, new ModelConfig("junk", "", null))), Http.QUIET))
                .isInstanceOf(ModelException.class).hasMessageContaining("junk.onnx is not a valid ONNX model");
        assertThatThrownBy(() -> ModelServer.start(ServerOptions.defaults("127.0.0.1", 0), List.of(
                new ModelSource(TestModels.irisV1(), new ModelConfig("iris", "1", null)),
                new ModelSource(TestModels.irisV2(), new ModelConfig("iris", "1", null))), Http.QUIET))
                .isInstanceOf(ModelException.class).hasMessage("model 'iris' version '1' is given twice");
    }

    @Test
    void aTakenPortIsAClearError() throws Exception {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            assertThatThrownBy(() -> ModelServer.start(ServerOptions.defaults("127.0.0.1", taken.getLocalPort()),
                    List.of(new ModelSource(TestModels.irisV1(), new ModelConfig("iris", "", null))), Http.QUIET))
                    .isInstanceOf(ModelException.class).hasMessageContaining("cannot listen on 127.0.0.1:" + taken.getLocalPort());
        }
    }

    @Test
    void durationsReadAsPeopleWriteThem() {
        assertThat(Durations.parse("2ms", "d")).isEqualTo(Duration.ofMillis(2));
        assertThat(Durations.parse("500us", "d")).isEqualTo(Duration.ofNanos(500_000));
        assertThat(Durations.parse("1.5s", "d")).isEqualTo(Duration.ofMillis(1500));
        assertThat(Durations.parse("PT0.002S", "d")).isEqualTo(Duration.ofMillis(2));
        assertThatThrownBy(() -> Durations.parse("-2ms", "--d")).hasMessageContaining("negative");
        assertThatThrownBy(() -> Durations.parse("soon", "--d")).hasMessageContaining("needs a unit");
        assertThatThrownBy(() -> Durations.parse("xms", "--d")).hasMessageContaining("is not a duration");
    }
}
