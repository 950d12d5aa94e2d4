package dev.berth.model.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.model.onnx.TestModels;
import dev.berth.model.repository.ModelConfig;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Throws thousands of broken bodies at a real server (every truncation of a valid request, random byte damage,
 * non-UTF-8, huge numbers and strings, deep and wrong nesting) and checks that none gets a 5xx and the server still
 * answers correctly afterwards.
 */
class MalformedBodiesTest {
    static final String VALID = "{\"id\":\"r1\",\"parameters\":{\"x\":1},\"inputs\":[{\"name\":\"input\",\"shape\":[2,4],"
            + "\"datatype\":\"FP32\",\"parameters\":{},\"data\":[[5.1,3.5,1.4,0.2],[6.2,2.9,4.9,1.6]]}],"
            + "\"outputs\":[{\"name\":\"output\"}]}";

    static List<byte[]> bodies() {
        List<byte[]> bodies = new ArrayList<>();
        byte[] valid = VALID.getBytes(StandardCharsets.UTF_8);
        for (int n = 0; n < valid.length; n++) {
            bodies.add(java.util.Arrays.copyOf(valid, n));
        }
        Random random = new Random(1234);
        for (int i = 0; i < 600; i++) {
            byte[] b = valid.clone();
            int damage = 1 + random.nextInt(4);
            for (int d = 0; d < damage; d++) {
                b[random.nextInt(b.length)] = (byte) random.nextInt(256);
            }
            bodies.add(b);
        }
        for (int i = 0; i < 200; i++) {
            // cut and splice: pieces of the valid request in the wrong places
            int a = random.nextInt(valid.length);
            int c = random.nextInt(valid.length);
            String s = VALID.substring(0, Math.min(a, c)) + VALID.substring(Math.max(a, c)) + VALID.substring(Math.min(a, c), Math.max(a, c));
            bodies.add(s.getBytes(StandardCharsets.UTF_8));
        }
        String[] nasty = {
            "[".repeat(5000), "{\"inputs\":" + "[".repeat(200) + "]".repeat(200) + "}",
            VALID.replace("[[5.1,3.5,1.4,0.2],[6.2,2.9,4.9,1.6]]", "[[[[[[[[5.1]]]]]]]]"),
            VALID.replace("5.1", "1" + "0".repeat(900)), VALID.replace("5.1", "1e99999999"), VALID.replace("5.1", "-"),
            VALID.replace("5.1", "0x10"), VALID.replace("5.1", "Infinity"), VALID.replace("5.1", "\"\\ud800\""),
            VALID.replace("r1", "x".repeat(50_000)), VALID.replace("input", "\u0000"), VALID.replace("[2,4]", "[4611686018427387904,4611686018427387904]"),
            VALID.replace("[2,4]", "[0,4]"), VALID.replace("[2,4]", "[]"), VALID.replace("[2,4]", "[2,4,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1]"),
            VALID.replace("\"FP32\"", "null"), VALID.replace("\"FP32\"", "[\"FP32\"]"), VALID.replace("\"inputs\"", "\"Inputs\""),
            VALID.replace("{\"name\":\"output\"}", "\"output\""), VALID.replace("\"outputs\":[{\"name\":\"output\"}]", "\"outputs\":null"),
            "{\"inputs\":[{\"name\":\"input\",\"shape\":[1,4],\"datatype\":\"FP32\",\"data\":[" + "1,".repeat(100_000) + "1]}]}",
            "\ufeff" + VALID, "\u0000\u0000\u0000{", "{\"inputs\":[{\"data\":[1,2,3,4],\"data\":[1,2,3,4]}]}",
        };
        for (String s : nasty) {
            bodies.add(s.getBytes(StandardCharsets.UTF_8));
        }
        bodies.add(new byte[] {(byte) 0xfe, (byte) 0xff, 0, '{'});
        bodies.add(new byte[] {(byte) 0xc3, (byte) 0x28});
        byte[] latin1 = VALID.replace("input", "ïnput").getBytes(StandardCharsets.ISO_8859_1);
        bodies.add(latin1);
        return bodies;
    }

    @Test
    void noMalformedBodyGetsA5xxAndTheServerKeepsAnswering() throws Exception {
        try (ModelServer server = ModelServer.start(ServerOptions.defaults("127.0.0.1", 0).withMaxBodyBytes(256 * 1024), List.of(
                new ModelSource(TestModels.irisV1(), new ModelConfig("iris", "1", null)),
                new ModelSource(TestModels.irisV2(), new ModelConfig("batched", "", new ModelConfig.Batching(8, 500)))), Http.QUIET)) {
            URI base = server.baseUri();
            Http.Reply expected = Http.post(base, "/v2/models/iris/infer", VALID);
            assertThat(expected.status()).isEqualTo(200);
            TreeMap<Integer, Integer> statuses = new TreeMap<>();
            List<String> serverErrors = new ArrayList<>();
            List<byte[]> bodies = bodies();
            for (int i = 0; i < bodies.size(); i++) {
                String path = i % 2 == 0 ? "/v2/models/iris/infer" : "/v2/models/batched/infer";
                Http.Reply r = Http.post(base, path, bodies.get(i));
                statuses.merge(r.status(), 1, Integer::sum);
                if (r.status() >= 500) {
                    serverErrors.add(r.status() + " for " + new String(bodies.get(i), StandardCharsets.UTF_8) + ": " + r.body());
                } else if (r.status() != 200) {
                    assertThat(r.json().get("error").asString()).isNotBlank();
                }
            }
            assertThat(serverErrors).isEmpty();
            assertThat(statuses.keySet()).isSubsetOf(200, 400, 413);
            assertThat(statuses.get(400)).isGreaterThan(bodies.size() / 2);
            assertThat(Http.get(base, "/v2/health/live").status()).isEqualTo(200);
            Http.Reply after = Http.post(base, "/v2/models/iris/infer", VALID);
            assertThat(after.status()).isEqualTo(200);
            assertThat(after.json()).isEqualTo(expected.json());
        }
    }
}
