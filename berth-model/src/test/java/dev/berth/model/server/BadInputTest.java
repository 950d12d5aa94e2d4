package dev.berth.model.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.model.onnx.Datatype;
import dev.berth.model.onnx.TestModels;
import dev.berth.model.repository.ModelConfig;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every kind of bad request gets its 4xx and a message that says what is wrong; none gets a 5xx. */
class BadInputTest {
    static final long MAX_BODY = 64 * 1024;

    @TempDir
    static Path dir;

    static ModelServer server;
    static URI base;

    @BeforeAll
    static void start() throws Exception {
        server = ModelServer.start(ServerOptions.defaults("127.0.0.1", 0).withMaxBodyBytes(MAX_BODY), List.of(
                new ModelSource(TestModels.irisV1(), new ModelConfig("iris", "1", null)),
                new ModelSource(TestModels.write(dir, "u8.onnx", TestModels.identity(Datatype.UINT8)), new ModelConfig("u8", "", null)),
                new ModelSource(TestModels.write(dir, "i32.onnx", TestModels.identity(Datatype.INT32)), new ModelConfig("i32", "", null)),
                new ModelSource(TestModels.write(dir, "am.onnx", TestModels.addMul()), new ModelConfig("add_mul", "", null))),
                Http.QUIET);
        base = server.baseUri();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    static String iris(String input) {
        return "{\"inputs\":[" + input + "]}";
    }

    static final String GOOD_INPUT = "{\"name\":\"input\",\"shape\":[1,4],\"datatype\":\"FP32\",\"data\":[1,2,3,4]}";

    static Stream<Arguments> badRequests() {
        return Stream.of(
                Arguments.of("iris", "{", "malformed JSON"),
                Arguments.of("iris", "", "the request body is empty"),
                Arguments.of("iris", "[1,2]", "must be a JSON object"),
                Arguments.of("iris", "\"inputs\"", "must be a JSON object"),
                Arguments.of("iris", "{}", "has no \"inputs\""),
                Arguments.of("iris", "{\"inputs\":[]}", "\"inputs\" is empty"),
                Arguments.of("iris", "{\"inputs\":{}}", "\"inputs\" must be an array"),
                Arguments.of("iris", "{\"inputs\":[3]}", "each of \"inputs\" must be an object"),
                Arguments.of("iris", iris(GOOD_INPUT.replace("\"input\"", "\"petals\"")), "model 'iris' has no input 'petals'; its inputs are 'input' (FP32 [-1, 4])"),
                Arguments.of("iris", iris(GOOD_INPUT.replace("FP32", "FP64")), "input 'input' has datatype FP64 but model 'iris' expects FP32"),
                Arguments.of("iris", iris(GOOD_INPUT.replace("FP32", "FLOAT")), "datatype 'FLOAT', which the protocol does not have"),
                Arguments.of("iris", iris(GOOD_INPUT.replace("[1,4]", "[1,5]").replace("[1,2,3,4]", "[1,2,3,4,5]")), "has shape [1, 5] but model 'iris' expects [-1, 4]"),
                Arguments.of("iris", iris(GOOD_INPUT.replace("[1,4]", "[4]")), "has shape [4] but model 'iris' expects [-1, 4]"),
                Arguments.of("iris", iris(GOOD_INPUT.replace("[1,4]", "[2,4]")), "has 4 values but its shape [2, 4] needs 8"),
                Arguments.of("iris", iris(GOOD_INPUT.replace("[1,4]", "[2,4]").replace("[1,2,3,4]", "[[1,2],[3,4],[5,6],[7,8]]")), "nested as [4, 2] but its shape is [2, 4]"),
                Arguments.of("iris", iris(GOOD_INPUT.replace("[1,4]", "[2,4]").replace("[1,2,3,4]", "[[1,2,3,4],[5,6,7]]")), "ragged"),
                Arguments.of("iris", iris(GOOD_INPUT.replace("[1,2,3,4]", "[[1,2],3,4]")), "mixes values and arrays"),
                Arguments.of("iris", iris(GOOD_INPUT.replace("[1,2,3,4]", "[1,2,\"3\",4]")), "value #2 must be a number, not a string (3)"),
                Arguments.of("iris", iris(GOOD_INPUT.replace("[1,2,3,4]", "[1,2,null,4]")), "value #2 must be a number, not null"),
                Arguments.of("iris", iris(GOOD_INPUT.replace("[1,2,3,4]", "[1,2,{},4]")), "value #2 must be a number, not an object"),
                Arguments.of("iris", iris(GOOD_INPUT.replace("[1,2,3,4]", "[1,2,1e400,4]")), "out of range for FP32"),
                Arguments.of("iris", iris(GOOD_INPUT.replace("[1,2,3,4]", "[1,2,1e39,4]")), "out of range for FP32"),
                Arguments.of("iris", iris(GOOD_INPUT.replace("[1,2,3,4]", "[1,2," + "9".repeat(5000) + ",4]")), "malformed JSON"),
                Arguments.of("iris", iris(GOOD_INPUT.replace("[1,2,3,4]", "[1,2,NaN,4]")), "malformed JSON"),
                Arguments.of("iris", iris(GOOD_INPUT.replace("[1,2,3,4]", "3")), "\"data\" must be an array, not a number"),
                Arguments.of("iris", iris(GOOD_INPUT.replace("[1,4]", "[1,-4]")), "dimensions that are whole numbers, 0 or more; found -4"),
                Arguments.of("iris", iris(GOOD_INPUT.replace("[1,4]", "[1,99999999999999999999999]")), "whole numbers, 0 or more"),
                Arguments.of("iris", iris(GOOD_INPUT.replace("\"shape\":[1,4],", "")), "has no \"shape\""),
                Arguments.of("iris", iris(GOOD_INPUT.replace("\"datatype\":\"FP32\",", "")), "has no \"datatype\""),
                Arguments.of("iris", iris(GOOD_INPUT.replace("\"name\":\"input\",", "")), "input #0 has no \"name\""),
                Arguments.of("iris", iris(GOOD_INPUT.replace(",\"data\":[1,2,3,4]", "")), "has no \"data\""),
                Arguments.of("iris", iris(GOOD_INPUT + "," + GOOD_INPUT), "input 'input' is given twice"),
                Arguments.of("iris", "{\"inputs\":[" + GOOD_INPUT + "],\"outputs\":[{\"name\":\"proba\"}]}", "model 'iris' has no output 'proba'; its outputs are 'output'"),
                Arguments.of("iris", "{\"inputs\":[" + GOOD_INPUT + "],\"outputs\":[{\"name\":\"output\",\"parameters\":{\"binary_data\":true}}]}", "binary tensor data extension is not supported"),
                Arguments.of("iris", "{\"inputs\":[" + GOOD_INPUT.replace("\"data\"", "\"parameters\":{\"binary_data_size\":16},\"data\"") + "]}", "binary tensor data extension is not supported"),
                Arguments.of("iris", "{\"id\":7,\"inputs\":[" + GOOD_INPUT + "]}", "\"id\" must be a string, not a number"),
                Arguments.of("iris", "{\"inputs\":[" + GOOD_INPUT + "],\"inputs\":[" + GOOD_INPUT + "]}", "malformed JSON: Duplicate"),
                Arguments.of("iris", "{\"inputs\":[" + GOOD_INPUT + "]} trailing", "malformed JSON"),
                Arguments.of("iris", "{\"inputs\":[" + GOOD_INPUT + "]}{}", "has more after its JSON object"),
                Arguments.of("u8", "{\"inputs\":[{\"name\":\"x\",\"shape\":[1,2],\"datatype\":\"UINT8\",\"data\":[1,300]}]}", "value #1 (300) is out of range for UINT8 (0 to 255)"),
                Arguments.of("u8", "{\"inputs\":[{\"name\":\"x\",\"shape\":[1,2],\"datatype\":\"UINT8\",\"data\":[-1,3]}]}", "value #0 (-1) is out of range for UINT8"),
                Arguments.of("i32", "{\"inputs\":[{\"name\":\"x\",\"shape\":[1,2],\"datatype\":\"INT32\",\"data\":[1.5,3]}]}", "value #0 must be a whole number, not a number (1.5)"),
                Arguments.of("i32", "{\"inputs\":[{\"name\":\"x\",\"shape\":[1,2],\"datatype\":\"INT32\",\"data\":[2147483648,3]}]}", "out of range for INT32"),
                Arguments.of("i32", "{\"inputs\":[{\"name\":\"x\",\"shape\":[1,2],\"datatype\":\"INT32\",\"data\":[true,3]}]}", "must be a whole number, not a boolean (true)"),
                Arguments.of("add_mul", "{\"inputs\":[{\"name\":\"a\",\"shape\":[1,3],\"datatype\":\"FP32\",\"data\":[1,2,3]}]}", "input 'b' of model 'add_mul' is missing"));
    }

    @ParameterizedTest(name = "[{index}] {2}")
    @MethodSource("badRequests")
    void badRequestsGet400WithAClearMessage(String model, String body, String message) throws Exception {
        Http.Reply r = Http.post(base, "/v2/models/" + model + "/infer", body);
        assertThat(r.status()).as(r.body()).isEqualTo(400);
        assertThat(r.headers().firstValue("content-type")).hasValue("application/json");
        assertThat(r.error()).contains(message);
    }

    @Test
    void nonUtf8BytesAreMalformedJson() throws Exception {
        byte[] body = iris(GOOD_INPUT.replace("\"input\"", "\"in\u0001put\"")).getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < body.length; i++) {
            if (body[i] == 1) {
                body[i] = (byte) 0xff;
            }
        }
        Http.Reply r = Http.post(base, "/v2/models/iris/infer", body);
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.error()).contains("malformed JSON").containsIgnoringCase("UTF-8");
    }

    @Test
    void unknownModelIs404() throws Exception {
        Http.Reply r = Http.post(base, "/v2/models/roses/infer", iris(GOOD_INPUT));
        assertThat(r.status()).isEqualTo(404);
        assertThat(r.error()).isEqualTo("model 'roses' is not served here");
    }

    @Test
    void bodiesOverTheLimitAre413WithOrWithoutContentLength() throws Exception {
        String big = iris(GOOD_INPUT) + " ".repeat((int) MAX_BODY);
        Http.Reply declared = Http.post(base, "/v2/models/iris/infer", big);
        assertThat(declared.status()).isEqualTo(413);
        assertThat(declared.error()).contains("larger than the server's limit of " + MAX_BODY + " bytes");
        // chunked: the length is only known while reading
        Http.Reply chunked = Http.send(HttpRequest.newBuilder(base.resolve("/v2/models/iris/infer"))
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big.getBytes(StandardCharsets.UTF_8))))
                .build());
        assertThat(chunked.status()).isEqualTo(413);
        assertThat(chunked.error()).contains("larger than the server's limit");
        // exactly at the limit is fine
        String atLimit = iris(GOOD_INPUT);
        atLimit = atLimit + " ".repeat((int) MAX_BODY - atLimit.length());
        assertThat(Http.post(base, "/v2/models/iris/infer", atLimit).status()).isEqualTo(200);
    }

    @Test
    void aSaturatedServerAnswers503WithRetryAfter() throws Exception {
        // one permit, and a request that holds it while it waits 2 s for its batch to fill
        try (ModelServer small = ModelServer.start(ServerOptions.defaults("127.0.0.1", 0).withMaxConcurrency(1), List.of(
                new ModelSource(TestModels.irisV1(), new ModelConfig("iris", "", new ModelConfig.Batching(64, 2_000_000)))), Http.QUIET)) {
            URI b = small.baseUri();
            CompletableFuture<Http.Reply> first = CompletableFuture.supplyAsync(() -> {
                try {
                    return Http.post(b, "/v2/models/iris/infer", iris(GOOD_INPUT));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            // wait until the first request holds the permit
            for (int i = 0; i < 500 && ModelServerTest.value(Http.get(b, "/metrics").body(), "berth_inference_in_flight") < 1; i++) {
                Thread.sleep(10);
            }
            assertThat(first).isNotDone();
            Http.Reply second = Http.post(b, "/v2/models/iris/infer", iris(GOOD_INPUT));
            assertThat(second.status()).as(second.body()).isEqualTo(503);
            assertThat(second.headers().firstValue("retry-after")).hasValue("1");
            assertThat(second.error()).contains("maximum of 1 inference requests");
            assertThat(first.get().status()).isEqualTo(200);
            // metadata and health never wait for a permit
            assertThat(Http.get(b, "/v2/health/ready").status()).isEqualTo(200);
        }
    }
}
