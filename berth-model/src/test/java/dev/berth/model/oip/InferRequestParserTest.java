package dev.berth.model.oip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.model.ModelException;
import dev.berth.model.onnx.Datatype;
import dev.berth.model.onnx.Tensor;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class InferRequestParserTest {
    static InferRequest parse(String json) {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        // the server reads bodies into a reused buffer longer than the body: only the first bytes count
        byte[] buffer = Arrays.copyOf(bytes, bytes.length + 100);
        Arrays.fill(buffer, bytes.length, buffer.length, (byte) '!');
        return InferRequestParser.parse(buffer, bytes.length);
    }

    @Test
    void readsIdInputsAndRequestedOutputs() {
        InferRequest r = parse("{\"id\":\"x1\",\"parameters\":{\"a\":[1,{}]},\"inputs\":[{\"name\":\"in\",\"shape\":[2,2],"
                + "\"datatype\":\"INT64\",\"parameters\":{\"content_type\":\"np\"},\"data\":[[1,-2],[3,9007199254740993]]}],"
                + "\"outputs\":[{\"name\":\"b\"},{\"name\":\"a\"}],\"unknown\":{\"deep\":[[]]}}");
        assertThat(r.id()).isEqualTo("x1");
        assertThat(r.outputs()).containsExactly("b", "a");
        Tensor t = r.inputs().getFirst();
        assertThat(t.name()).isEqualTo("in");
        assertThat(t.datatype()).isEqualTo(Datatype.INT64);
        assertThat(t.shape()).containsExactly(2, 2);
        assertThat((long[]) t.data()).containsExactly(1, -2, 3, 9007199254740993L);
    }

    @Test
    void dataBeforeItsDatatypeIsReadOnceTheDatatypeIsKnown() {
        InferRequest r = parse("{\"inputs\":[{\"data\":[[1.5,2],[3,4]],\"shape\":[2,2],\"name\":\"in\",\"datatype\":\"FP32\"},"
                + "{\"data\":[\"a\",\"b\"],\"name\":\"s\",\"datatype\":\"BYTES\",\"shape\":[2]}]}");
        assertThat((float[]) r.inputs().get(0).data()).containsExactly(1.5f, 2, 3, 4);
        assertThat((String[]) r.inputs().get(1).data()).containsExactly("a", "b");
        assertThat(r.outputs()).isNull();
        assertThat(r.id()).isNull();
    }

    @Test
    void scalarsAndEmptyTensorsAreTensorsToo() {
        assertThat((double[]) parse("{\"inputs\":[{\"name\":\"s\",\"shape\":[],\"datatype\":\"FP64\",\"data\":[2.5]}]}").inputs().getFirst().data())
                .containsExactly(2.5);
        assertThat((int[]) parse("{\"inputs\":[{\"name\":\"e\",\"shape\":[0,3],\"datatype\":\"INT32\",\"data\":[]}]}").inputs().getFirst().data())
                .isEmpty();
    }

    @Test
    void aShapeCannotMakeTheParserReserveMemory() {
        // 2^31 elements declared, 1 sent: refused on the count, without allocating for the declared size
        assertThatThrownBy(() -> parse("{\"inputs\":[{\"name\":\"x\",\"shape\":[65536,32768],\"datatype\":\"FP64\",\"data\":[1]}]}"))
                .isInstanceOf(ModelException.class).hasMessageContaining("has 1 values but its shape [65536, 32768] needs more than an array can hold");
    }

    @Test
    void fp32ValuesRoundOnceFromTheirDecimalText() {
        // parsed straight to float (not through double), so the shortest text of a float gives that float
        float[] samples = {0.1f, 1.0E-45f, 3.4028235E38f, 0.99873465f, 16777217f};
        StringBuilder data = new StringBuilder();
        for (float f : samples) {
            data.append(data.isEmpty() ? "" : ",").append(f);
        }
        InferRequest r = parse("{\"inputs\":[{\"name\":\"x\",\"shape\":[5],\"datatype\":\"FP32\",\"data\":[" + data + "]}]}");
        assertThat((float[]) r.inputs().getFirst().data()).containsExactly(samples);
    }
}
