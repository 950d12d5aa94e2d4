package dev.berth.model.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.model.metrics.ServerMetrics;
import dev.berth.model.onnx.OnnxModel;
import dev.berth.model.onnx.TestModels;
import dev.berth.model.repository.ModelConfig;
import java.net.URI;
import java.util.List;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.Test;

/**
 * The server listens while its models load (they load in parallel with Jetty's start): meanwhile readiness is 503 and
 * model endpoints ask to retry, and both turn to answers once the models are in.
 */
class LoadingStateTest {
    @Test
    void beforeTheModelsAreInReadinessIs503AndModelsAskToRetry() throws Exception {
        ServerMetrics metrics = new ServerMetrics();
        InferenceHandler handler = new InferenceHandler(metrics, Http.QUIET, ServerOptions.defaults("127.0.0.1", 0), "test", "{}".getBytes());
        Server jetty = new Server();
        ServerConnector connector = new ServerConnector(jetty);
        connector.setHost("127.0.0.1");
        jetty.addConnector(connector);
        jetty.setHandler(handler);
        jetty.start();
        try (OnnxModel model = OnnxModel.load(TestModels.irisV1(), 1)) {
            URI base = URI.create("http://127.0.0.1:" + connector.getLocalPort());
            assertThat(Http.get(base, "/v2/health/live").status()).isEqualTo(200);
            Http.Reply ready = Http.get(base, "/v2/health/ready");
            assertThat(ready.status()).isEqualTo(503);
            assertThat(ready.json().get("ready").asBoolean()).isFalse();
            Http.Reply infer = Http.post(base, "/v2/models/iris/infer", BadInputTest.iris(BadInputTest.GOOD_INPUT));
            assertThat(infer.status()).isEqualTo(503);
            assertThat(infer.headers().firstValue("retry-after")).hasValue("1");
            assertThat(infer.error()).contains("still loading");

            ServedModel served = new ServedModel(new ModelConfig("iris", "", null), model, metrics.forModel("iris", ""));
            handler.serve(new ModelTable(List.of(served)));
            assertThat(Http.get(base, "/v2/health/ready").status()).isEqualTo(200);
            assertThat(Http.post(base, "/v2/models/iris/infer", BadInputTest.iris(BadInputTest.GOOD_INPUT)).status()).isEqualTo(200);
        } finally {
            jetty.stop();
        }
    }
}
