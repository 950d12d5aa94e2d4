package dev.berth.model.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.model.onnx.Datatype;
import dev.berth.model.onnx.OnnxModel;
import dev.berth.model.onnx.Tensor;
import dev.berth.model.onnx.TestModels;
import dev.berth.model.repository.ModelConfig;
import dev.berth.oci.json.Json;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** Every endpoint of a real server on 127.0.0.1, serving the example models and a two-output test model. */
class ModelServerTest {
    @TempDir
    static Path dir;

    static ModelServer server;
    static URI base;

    @BeforeAll
    static void start() throws Exception {
        Path addMul = TestModels.write(dir, "add_mul.onnx", TestModels.addMul());
        server = ModelServer.start(ServerOptions.defaults("127.0.0.1", 0), List.of(
                new ModelSource(TestModels.irisV1(), new ModelConfig("iris", "1", null)),
                new ModelSource(TestModels.irisV2(), new ModelConfig("iris", "2", null)),
                new ModelSource(addMul, new ModelConfig("add_mul", "", null))), Http.QUIET);
        base = server.baseUri();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    static String irisRequest(float[][] rows, String id) {
        StringBuilder data = new StringBuilder();
        for (float[] row : rows) {
            for (float v : row) {
                data.append(data.isEmpty() ? "" : ",").append(v);
            }
        }
        return "{" + (id == null ? "" : "\"id\":\"" + id + "\",") + "\"inputs\":[{\"name\":\"input\",\"shape\":[" + rows.length
                + ",4],\"datatype\":\"FP32\",\"data\":[" + data + "]}]}";
    }

    static float[] floats(JsonNode data) {
        float[] f = new float[data.size()];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) data.get(i).doubleValue();
        }
        return f;
    }

    @Test
    void serverMetadataNamesTheServerAndItsVersion() throws Exception {
        Http.Reply r = Http.get(base, "/v2");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type")).hasValue("application/json");
        assertThat(r.json().get("name").asString()).isEqualTo("berth-model-server");
        assertThat(r.json().get("version").asString()).isNotBlank().isNotEqualTo("unknown");
        assertThat(r.json().get("extensions").isArray()).isTrue();
    }

    @Test
    void healthEndpointsAnswer() throws Exception {
        assertThat(Http.get(base, "/v2/health/live").json().get("live").asBoolean()).isTrue();
        Http.Reply ready = Http.get(base, "/v2/health/ready");
        assertThat(ready.status()).isEqualTo(200);
        assertThat(ready.json().get("ready").asBoolean()).isTrue();
        Http.Reply modelReady = Http.get(base, "/v2/models/iris/versions/1/ready");
        assertThat(modelReady.status()).isEqualTo(200);
        assertThat(modelReady.json().get("ready").asBoolean()).isTrue();
        assertThat(Http.get(base, "/v2/models/add_mul/ready").status()).isEqualTo(200);
        assertThat(Http.get(base, "/v2/models/nope/ready").status()).isEqualTo(404);
    }

    @Test
    void modelMetadataReportsInputsOutputsAndVersions() throws Exception {
        Http.Reply r = Http.get(base, "/v2/models/iris/versions/1");
        assertThat(r.status()).isEqualTo(200);
        JsonNode m = r.json();
        assertThat(m.get("name").asString()).isEqualTo("iris");
        assertThat(m.get("versions").get(0).asString()).isEqualTo("1");
        assertThat(m.get("platform").asString()).isEqualTo("onnxruntime_onnx");
        JsonNode in = m.get("inputs").get(0);
        assertThat(in.get("name").asString()).isEqualTo("input");
        assertThat(in.get("datatype").asString()).isEqualTo("FP32");
        assertThat(in.get("shape").toString()).isEqualTo("[-1,4]");
        assertThat(m.get("outputs").get(0).get("shape").toString()).isEqualTo("[-1,3]");
        assertThat(m.get("parameters").get("batching").get("enabled").asBoolean()).isFalse();
        assertThat(m.get("parameters").get("batching").get("reason").asString()).contains("not configured");
        // without a version: the newest
        assertThat(Http.get(base, "/v2/models/iris").json().get("versions").get(0).asString()).isEqualTo("2");
        JsonNode am = Http.get(base, "/v2/models/add_mul").json();
        assertThat(am.get("versions").size()).isZero();
        assertThat(am.get("outputs").size()).isEqualTo(2);
    }

    @Test
    void unknownModelsAndVersionsAre404WithTheErrorShape() throws Exception {
        Http.Reply r = Http.get(base, "/v2/models/nope");
        assertThat(r.status()).isEqualTo(404);
        assertThat(r.error()).contains("model 'nope' is not served here");
        Http.Reply v = Http.post(base, "/v2/models/iris/versions/7/infer", irisRequest(new float[][] {{1, 2, 3, 4}}, null));
        assertThat(v.status()).isEqualTo(404);
        assertThat(v.error()).contains("no version '7'").contains("[1, 2]");
        assertThat(Http.get(base, "/v2/models/iris/versions/1/explain").status()).isEqualTo(404);
        assertThat(Http.get(base, "/v3").status()).isEqualTo(404);
    }

    @Test
    void inferenceOverHttpEqualsOnnxRuntimeInProcess() throws Exception {
        Random random = new Random(7);
        float[][] rows = new float[5][4];
        for (float[] row : rows) {
            for (int i = 0; i < 4; i++) {
                row[i] = 4 + random.nextFloat() * 3;
            }
        }
        Http.Reply r = Http.post(base, "/v2/models/iris/versions/1/infer", irisRequest(rows, "req-42"));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode answer = r.json();
        assertThat(answer.get("model_name").asString()).isEqualTo("iris");
        assertThat(answer.get("model_version").asString()).isEqualTo("1");
        assertThat(answer.get("id").asString()).isEqualTo("req-42");
        JsonNode out = answer.get("outputs").get(0);
        assertThat(out.get("name").asString()).isEqualTo("output");
        assertThat(out.get("datatype").asString()).isEqualTo("FP32");
        assertThat(out.get("shape").toString()).isEqualTo("[5,3]");

        float[] flat = new float[20];
        for (int i = 0; i < 5; i++) {
            System.arraycopy(rows[i], 0, flat, i * 4, 4);
        }
        try (OnnxModel local = OnnxModel.load(TestModels.irisV1(), 1)) {
            float[] expected = (float[]) local.run(new Tensor[] {new Tensor("input", Datatype.FP32, new long[] {5, 4}, flat)}, null)[0].data();
            assertThat(floats(out.get("data"))).containsExactly(expected);
        }
    }

    @Test
    void nestedAndFlatDataGiveTheSameAnswerAndNoIdMeansNoId() throws Exception {
        String flat = "{\"inputs\":[{\"name\":\"input\",\"shape\":[2,4],\"datatype\":\"FP32\",\"data\":[5,3.4,1.5,0.2,6.2,2.9,4.9,1.6]}]}";
        String nested = "{\"inputs\":[{\"data\":[[5,3.4,1.5,0.2],[6.2,2.9,4.9,1.6]],\"name\":\"input\",\"shape\":[2,4],\"datatype\":\"FP32\"}]}";
        Http.Reply a = Http.post(base, "/v2/models/iris/infer", flat);
        Http.Reply b = Http.post(base, "/v2/models/iris/infer", nested);
        assertThat(a.status()).isEqualTo(200);
        assertThat(a.json().get("outputs")).isEqualTo(b.json().get("outputs"));
        assertThat(a.json().has("id")).isFalse();
    }

    @Test
    void theTwoVersionsAnswerDifferentlyOnABorderlineFlower() throws Exception {
        float[][] flower = {{6.2f, 2.9f, 4.9f, 1.6f}};
        float[] v1 = floats(Http.post(base, "/v2/models/iris/versions/1/infer", irisRequest(flower, null)).json().get("outputs").get(0).get("data"));
        float[] v2 = floats(Http.post(base, "/v2/models/iris/versions/2/infer", irisRequest(flower, null)).json().get("outputs").get(0).get("data"));
        float[] newest = floats(Http.post(base, "/v2/models/iris/infer", irisRequest(flower, null)).json().get("outputs").get(0).get("data"));
        assertThat(argmax(v1)).isNotEqualTo(argmax(v2));
        assertThat(newest).containsExactly(v2);
    }

    @Test
    void requestedOutputsComeInTheRequestedOrderAndOnlyThose() throws Exception {
        String request = "{\"inputs\":[{\"name\":\"a\",\"shape\":[1,3],\"datatype\":\"FP32\",\"data\":[1,2,3]},"
                + "{\"name\":\"b\",\"shape\":[1,3],\"datatype\":\"FP32\",\"data\":[4,5,6]}],"
                + "\"outputs\":[{\"name\":\"prod\",\"parameters\":{\"binary_data\":false}}]}";
        Http.Reply one = Http.post(base, "/v2/models/add_mul/infer", request);
        assertThat(one.status()).as(one.body()).isEqualTo(200);
        assertThat(one.json().get("outputs").size()).isEqualTo(1);
        assertThat(one.json().get("outputs").get(0).get("name").asString()).isEqualTo("prod");
        assertThat(one.json().get("outputs").get(0).get("data").toString()).isEqualTo("[4.0,10.0,18.0]");
        Http.Reply both = Http.post(base, "/v2/models/add_mul/infer", request.replace("{\"name\":\"prod\",", "{\"name\":\"prod\"},{\"name\":\"sum\","));
        assertThat(both.json().get("outputs").get(0).get("name").asString()).isEqualTo("prod");
        assertThat(both.json().get("outputs").get(1).get("name").asString()).isEqualTo("sum");
        assertThat(both.json().get("outputs").get(1).get("data").toString()).isEqualTo("[5.0,7.0,9.0]");
        Http.Reply all = Http.post(base, "/v2/models/add_mul/infer", request.substring(0, request.indexOf(",\"outputs\"")) + "}");
        assertThat(all.json().get("outputs").size()).isEqualTo(2);
    }

    @Test
    void openApiDocumentDescribesEveryEndpoint() throws Exception {
        Http.Reply r = Http.get(base, "/v2/openapi.json");
        assertThat(r.status()).isEqualTo(200);
        JsonNode doc = r.json();
        assertThat(doc.get("openapi").asString()).startsWith("3.");
        List<String> paths = new ArrayList<>(doc.get("paths").propertyNames());
        assertThat(paths).contains("/v2", "/v2/health/live", "/v2/health/ready", "/v2/models/{model_name}",
                "/v2/models/{model_name}/ready", "/v2/models/{model_name}/infer", "/v2/models/{model_name}/versions/{model_version}",
                "/v2/models/{model_name}/versions/{model_version}/ready", "/v2/models/{model_name}/versions/{model_version}/infer",
                "/metrics", "/v2/openapi.json");
        // every $ref resolves
        java.util.regex.Matcher refs = java.util.regex.Pattern.compile("\"#/components/schemas/([A-Za-z]+)\"").matcher(r.body());
        int count = 0;
        while (refs.find()) {
            assertThat(doc.get("components").get("schemas").has(refs.group(1))).as(refs.group(1)).isTrue();
            count++;
        }
        assertThat(count).isGreaterThan(10);
    }

    @Test
    void wrongMethodsAre405WithAllowAndHeadWorks() throws Exception {
        Http.Reply get = Http.get(base, "/v2/models/iris/infer");
        assertThat(get.status()).isEqualTo(405);
        assertThat(get.headers().firstValue("allow")).hasValue("POST");
        assertThat(get.error()).contains("use POST");
        Http.Reply post = Http.post(base, "/v2/health/live", "{}");
        assertThat(post.status()).isEqualTo(405);
        assertThat(post.headers().firstValue("allow")).hasValue("GET, HEAD");
        Http.Reply head = Http.send(HttpRequest.newBuilder(base.resolve("/v2/health/ready")).method("HEAD", HttpRequest.BodyPublishers.noBody()).build());
        assertThat(head.status()).isEqualTo(200);
        assertThat(head.body()).isEmpty();
    }

    @Test
    void metricsCountRequestsErrorsLatencyAndBatchSizes() throws Exception {
        String ok = irisRequest(new float[][] {{5, 3.4f, 1.5f, 0.2f}, {6, 3, 4, 1}}, null);
        for (int i = 0; i < 3; i++) {
            assertThat(Http.post(base, "/v2/models/iris/versions/2/infer", ok).status()).isEqualTo(200);
        }
        assertThat(Http.post(base, "/v2/models/iris/versions/2/infer", "{").status()).isEqualTo(400);
        Http.Reply r = Http.get(base, "/metrics");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type").orElseThrow()).startsWith("text/plain");
        String text = r.body();
        assertThat(value(text, "berth_inference_requests_total{code=\"200\",model=\"iris\",version=\"2\"}")).isGreaterThanOrEqualTo(3);
        assertThat(value(text, "berth_inference_requests_total{code=\"400\",model=\"iris\",version=\"2\"}")).isGreaterThanOrEqualTo(1);
        assertThat(value(text, "berth_inference_request_duration_seconds_count{model=\"iris\",version=\"2\"}")).isGreaterThanOrEqualTo(4);
        assertThat(value(text, "berth_inference_compute_duration_seconds_count{model=\"iris\",version=\"2\"}")).isGreaterThanOrEqualTo(3);
        assertThat(value(text, "berth_inference_batch_size_sum{model=\"iris\",version=\"2\"}")).isGreaterThanOrEqualTo(6);
        assertThat(value(text, "berth_http_requests_total{code=\"400\",endpoint=\"infer\"}")).isGreaterThanOrEqualTo(1);
        assertThat(text).contains("berth_inference_queue_duration_seconds").contains("berth_inference_in_flight");
    }

    static double value(String metrics, String series) {
        for (String line : metrics.split("\n")) {
            if (line.startsWith(series + " ")) {
                return Double.parseDouble(line.substring(series.length() + 1).trim());
            }
        }
        throw new AssertionError("no series " + series + " in\n" + metrics);
    }

    static int argmax(float[] p) {
        int best = 0;
        for (int i = 1; i < p.length; i++) {
            if (p[i] > p[best]) {
                best = i;
            }
        }
        return best;
    }

    @Test
    void errorsFromJettyItselfHaveTheErrorShape() throws Exception {
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", server.port())) {
            s.getOutputStream().write("GET /v2 HTTP/1.1\r\nHost: x\r\nContent-Length: zz\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            String reply = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(reply).startsWith("HTTP/1.1 400");
            String body = reply.substring(reply.indexOf("\r\n\r\n") + 4);
            assertThat(Json.tree(body.getBytes(StandardCharsets.UTF_8), "reply").has("error")).as(reply).isTrue();
        }
    }
}
