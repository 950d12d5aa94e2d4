package dev.berth.model.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.model.onnx.Datatype;
import dev.berth.model.onnx.TestModels;
import dev.berth.model.repository.ModelConfig;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every datatype of the protocol goes through the server and back unchanged: one Identity model per type, values at
 * the edges of each type's range, sent nested and answered flat.
 */
class DatatypesOverHttpTest {
    @TempDir
    static Path dir;

    static ModelServer server;
    static URI base;

    @BeforeAll
    static void start() throws Exception {
        List<ModelSource> sources = new ArrayList<>();
        for (Datatype t : Datatype.values()) {
            Path file = TestModels.write(dir, t.name() + ".onnx", TestModels.identity(t));
            sources.add(new ModelSource(file, new ModelConfig("id_" + t.name().toLowerCase(), "", null)));
        }
        server = ModelServer.start(ServerOptions.defaults("127.0.0.1", 0), sources, Http.QUIET);
        base = server.baseUri();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    /** Four values per type as JSON, written as the server writes them back. */
    static String values(Datatype t) {
        return String.join(",", valueList(t));
    }

    static String[] valueList(Datatype t) {
        return switch (t) {
            case BOOL -> new String[] {"true", "false", "false", "true"};
            case UINT8 -> new String[] {"0", "1", "200", "255"};
            case UINT16 -> new String[] {"0", "1", "40000", "65535"};
            case UINT32 -> new String[] {"0", "1", "3000000000", "4294967295"};
            case UINT64 -> new String[] {"0", "1", "9223372036854775808", "18446744073709551615"};
            case INT8 -> new String[] {"-128", "-1", "0", "127"};
            case INT16 -> new String[] {"-32768", "-1", "0", "32767"};
            case INT32 -> new String[] {"-2147483648", "-1", "0", "2147483647"};
            case INT64 -> new String[] {"-9223372036854775808", "-1", "0", "9223372036854775807"};
            case FP16 -> new String[] {"1.5", "-2.0", "65504.0", "5.9604645E-8"};
            case FP32 -> new String[] {"1.5", "-0.0", "3.4028235E38", "1.4E-45"};
            case FP64 -> new String[] {"1.5", "-0.0", "1.7976931348623157E308", "4.9E-324"};
            case BYTES -> new String[] {"\"a\"", "\"\"", "\"h\u00e9llo \u2603\"", "\"quote \\\" and \\\\ slash\""};
        };
    }

    @ParameterizedTest
    @EnumSource(Datatype.class)
    void valuesAtTheEdgesOfEveryDatatypeRoundTrip(Datatype t) throws Exception {
        String[] v = valueList(t);
        String nested = "[[" + v[0] + "," + v[1] + "],[" + v[2] + "," + v[3] + "]]";
        String request = "{\"inputs\":[{\"name\":\"x\",\"datatype\":\"" + t + "\",\"shape\":[2,2],\"data\":" + nested + "}]}";
        Http.Reply r = Http.post(base, "/v2/models/id_" + t.name().toLowerCase() + "/infer", request);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().get("outputs").get(0).get("datatype").asString()).isEqualTo(t.name());
        assertThat(r.json().get("outputs").get(0).get("shape").toString()).isEqualTo("[2,2]");
        Matcher data = Pattern.compile("\"data\":\\[(.*)\\]\\}\\]\\}$").matcher(r.body());
        assertThat(data.find()).as(r.body()).isTrue();
        assertThat(data.group(1)).isEqualTo(values(t));
    }

    @Test
    void metadataNamesEachDatatype() throws Exception {
        for (Datatype t : Datatype.values()) {
            Http.Reply r = Http.get(base, "/v2/models/id_" + t.name().toLowerCase());
            assertThat(r.json().get("inputs").get(0).get("datatype").asString()).isEqualTo(t.name());
            assertThat(r.json().get("outputs").get(0).get("datatype").asString()).isEqualTo(t.name());
            assertThat(r.json().get("inputs").get(0).get("shape").toString()).isEqualTo("[-1,2]");
        }
    }

    @Test
    void fp16ValuesAreRoundedToHalfPrecision() throws Exception {
        String request = "{\"inputs\":[{\"name\":\"x\",\"datatype\":\"FP16\",\"shape\":[1,2],\"data\":[0.1,1000.3]}]}";
        Http.Reply r = Http.post(base, "/v2/models/id_fp16/infer", request);
        assertThat(r.status()).isEqualTo(200);
        assertThat((float) r.json().get("outputs").get(0).get("data").get(0).doubleValue())
                .isEqualTo(Float.float16ToFloat(Float.floatToFloat16(0.1f)));
        assertThat(r.json().get("outputs").get(0).get("data").get(1).doubleValue()).isEqualTo(1000.5);
    }

    @Test
    void integersAreAcceptedWhereFloatsAreExpected() throws Exception {
        Http.Reply r = Http.post(base, "/v2/models/id_fp64/infer",
                "{\"inputs\":[{\"name\":\"x\",\"datatype\":\"FP64\",\"shape\":[1,2],\"data\":[3,-7]}]}");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().get("outputs").get(0).get("data").toString()).isEqualTo("[3.0,-7.0]");
    }
}
