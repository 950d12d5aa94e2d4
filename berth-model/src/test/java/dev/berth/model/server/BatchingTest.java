package dev.berth.model.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.model.onnx.Datatype;
import dev.berth.model.onnx.TestModels;
import dev.berth.model.repository.ModelConfig;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Dynamic batching under concurrent clients: every answer equals the unbatched server's answer to the same request,
 * and the metrics show that requests really ran together.
 */
class BatchingTest {
    @TempDir
    static Path dir;

    static ModelServer server;
    static URI base;

    @BeforeAll
    static void start() throws Exception {
        Path open = TestModels.write(dir, "open.onnx", TestModels.identity(Datatype.FP32, new long[] {-1, -1}));
        Path fixed = TestModels.write(dir, "fixed.onnx", TestModels.identity(Datatype.FP32, new long[] {1, 2}));
        ModelConfig.Batching batching = new ModelConfig.Batching(32, 3000);
        server = ModelServer.start(ServerOptions.defaults("127.0.0.1", 0), List.of(
                new ModelSource(TestModels.irisV1(), new ModelConfig("plain", "", null)),
                new ModelSource(TestModels.irisV1(), new ModelConfig("batched", "", batching)),
                new ModelSource(open, new ModelConfig("open", "", batching)),
                new ModelSource(fixed, new ModelConfig("fixed", "", batching))), Http.QUIET);
        base = server.baseUri();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    static String request(Random random, int rows) {
        StringBuilder data = new StringBuilder();
        for (int i = 0; i < rows * 4; i++) {
            data.append(i == 0 ? "" : ",").append(4 + random.nextInt(3000) / 1000f);
        }
        return "{\"id\":\"" + random.nextInt() + "\",\"inputs\":[{\"name\":\"input\",\"shape\":[" + rows + ",4],\"datatype\":\"FP32\",\"data\":[" + data + "]}]}";
    }

    @Test
    void batchedAnswersEqualUnbatchedOnesUnderConcurrentRequests() throws Exception {
        int clients = 48;
        int perClient = 15;
        List<Future<List<String[]>>> results = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(clients)) {
            for (int c = 0; c < clients; c++) {
                int seed = c;
                results.add(pool.submit(() -> {
                    Random random = new Random(seed);
                    List<String[]> pairs = new ArrayList<>();
                    for (int i = 0; i < perClient; i++) {
                        String body = request(random, 1 + random.nextInt(3));
                        Http.Reply batched = Http.post(base, "/v2/models/batched/infer", body);
                        Http.Reply plain = Http.post(base, "/v2/models/plain/infer", body);
                        assertThat(batched.status()).as(batched.body()).isEqualTo(200);
                        assertThat(plain.status()).as(plain.body()).isEqualTo(200);
                        pairs.add(new String[] {batched.body().replace("\"model_name\":\"batched\"", ""),
                            plain.body().replace("\"model_name\":\"plain\"", "")});
                    }
                    return pairs;
                }));
            }
            int compared = 0;
            for (Future<List<String[]>> f : results) {
                for (String[] pair : f.get()) {
                    assertThat(pair[0]).isEqualTo(pair[1]);
                    compared++;
                }
            }
            assertThat(compared).isEqualTo(clients * perClient);
        }
        String metrics = Http.get(base, "/metrics").body();
        double runs = ModelServerTest.value(metrics, "berth_inference_batch_size_count{model=\"batched\",version=\"\"}");
        double rows = ModelServerTest.value(metrics, "berth_inference_batch_size_sum{model=\"batched\",version=\"\"}");
        double requests = ModelServerTest.value(metrics, "berth_inference_requests_total{code=\"200\",model=\"batched\",version=\"\"}");
        assertThat(requests).isEqualTo(clients * perClient);
        // fewer runs than requests: requests ran together
        assertThat(runs).isLessThan(requests);
        assertThat(rows / runs).isGreaterThan(2.0);
        assertThat(ModelServerTest.value(metrics, "berth_inference_queue_duration_seconds_count{model=\"batched\",version=\"\"}")).isEqualTo(requests);
    }

    @Test
    void requestsWithDifferentInnerShapesAreBatchedOnlyWithTheirLikes() throws Exception {
        List<Future<Http.Reply>> replies = new ArrayList<>();
        List<String> expected = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(16)) {
            for (int i = 0; i < 64; i++) {
                int width = 2 + i % 3;
                StringBuilder data = new StringBuilder();
                for (int j = 0; j < width; j++) {
                    data.append(j == 0 ? "" : ",").append((float) (i * 10 + j));
                }
                String body = "{\"inputs\":[{\"name\":\"x\",\"shape\":[1," + width + "],\"datatype\":\"FP32\",\"data\":[" + data + "]}]}";
                expected.add("[" + data + "]");
                replies.add(pool.submit(() -> Http.post(base, "/v2/models/open/infer", body)));
            }
            for (int i = 0; i < replies.size(); i++) {
                Http.Reply r = replies.get(i).get();
                assertThat(r.status()).as(r.body()).isEqualTo(200);
                assertThat(r.json().get("outputs").get(0).get("data").toString()).isEqualTo(expected.get(i));
            }
        }
    }

    @Test
    void aModelWithAFixedFirstDimensionIsNotBatchedAndSaysWhy() throws Exception {
        Http.Reply meta = Http.get(base, "/v2/models/fixed");
        assertThat(meta.json().get("parameters").get("batching").get("enabled").asBoolean()).isFalse();
        assertThat(meta.json().get("parameters").get("batching").get("reason").asString()).contains("first (batch) dimension");
        assertThat(Http.get(base, "/v2/models/batched").json().get("parameters").get("batching").get("enabled").asBoolean()).isTrue();
        Http.Reply r = Http.post(base, "/v2/models/fixed/infer", "{\"inputs\":[{\"name\":\"x\",\"shape\":[1,2],\"datatype\":\"FP32\",\"data\":[1,2]}]}");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().get("outputs").get(0).get("data").toString()).isEqualTo("[1.0,2.0]");
    }
}
