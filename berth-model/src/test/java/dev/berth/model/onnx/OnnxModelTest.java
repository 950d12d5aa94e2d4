package dev.berth.model.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.model.ModelException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class OnnxModelTest {
    @TempDir
    Path dir;

    @Test
    void readsTheExampleModelsSignatureWithADynamicBatchDimension() {
        ModelSignature s = OnnxModel.inspect(TestModels.irisV1());
        assertThat(s.inputs()).hasSize(1);
        TensorSpec in = s.inputs().getFirst();
        assertThat(in.datatype()).isEqualTo(Datatype.FP32);
        assertThat(in.shape()).containsExactly(-1L, 4L);
        assertThat(s.outputs()).hasSize(1);
        assertThat(s.outputs().getFirst().shape()).containsExactly(-1L, 3L);
        assertThat(s.batchable()).isTrue();
    }

    @Test
    void theTwoExampleVersionsDisagreeOnABorderlineFlower() {
        try (OnnxModel v1 = OnnxModel.load(TestModels.irisV1(), 1); OnnxModel v2 = OnnxModel.load(TestModels.irisV2(), 1)) {
            float[] flower = {6.2f, 2.9f, 4.9f, 1.6f};
            Tensor in = new Tensor(v1.signature().inputs().getFirst().name(), Datatype.FP32, new long[] {1, 4}, flower);
            float[] p1 = (float[]) v1.run(new Tensor[] {in}, null)[0].data();
            float[] p2 = (float[]) v2.run(new Tensor[] {in}, null)[0].data();
            assertThat(argmax(p1)).isNotEqualTo(argmax(p2));
            assertThat(p1[0] + p1[1] + p1[2]).isCloseTo(1f, org.assertj.core.data.Offset.offset(1e-5f));
        }
    }

    @ParameterizedTest
    @EnumSource(Datatype.class)
    void everyProtocolDatatypeRoundTripsThroughAnIdentityModel(Datatype type) throws Exception {
        Path file = TestModels.write(dir, "id.onnx", TestModels.identity(type));
        try (OnnxModel m = OnnxModel.load(file, 1)) {
            assertThat(m.signature().inputs()).containsExactly(new TensorSpec("x", type, List.of(-1L, 2L)));
            assertThat(m.signature().outputs()).containsExactly(new TensorSpec("y", type, List.of(-1L, 2L)));
            Object data = sample(type);
            Tensor out = m.run(new Tensor[] {new Tensor("x", type, new long[] {2, 2}, data)}, null)[0];
            assertThat(out.datatype()).isEqualTo(type);
            assertThat(out.shape()).containsExactly(2, 2);
            assertThat(out.data()).isEqualTo(data);
        }
    }

    /** Four values per type, including the extremes (unsigned ones as their bits). */
    static Object sample(Datatype type) {
        return switch (type) {
            case BOOL -> new byte[] {1, 0, 0, 1};
            case UINT8 -> new byte[] {0, 1, (byte) 200, (byte) 255};
            case INT8 -> new byte[] {-128, -1, 0, 127};
            case UINT16 -> new short[] {0, 1, (short) 40000, (short) 65535};
            case INT16 -> new short[] {Short.MIN_VALUE, -1, 0, Short.MAX_VALUE};
            case FP16 -> new short[] {Float.floatToFloat16(1.5f), Float.floatToFloat16(-2f), Float.floatToFloat16(65504f), 0};
            case UINT32 -> new int[] {0, 1, (int) 3_000_000_000L, -1};
            case INT32 -> new int[] {Integer.MIN_VALUE, -1, 0, Integer.MAX_VALUE};
            case UINT64 -> new long[] {0, 1, Long.MIN_VALUE, -1};
            case INT64 -> new long[] {Long.MIN_VALUE, -1, 0, Long.MAX_VALUE};
            case FP32 -> new float[] {1.5f, -0f, Float.MAX_VALUE, Float.MIN_VALUE};
            case FP64 -> new double[] {1.5, -0.0, Double.MAX_VALUE, Double.MIN_VALUE};
            case BYTES -> new String[] {"a", "", "héllo", "zz"};
        };
    }

    @Test
    void aFileThatIsNotAnOnnxModelIsRefusedByName() throws Exception {
        Path file = Files.writeString(dir.resolve("junk.onnx"), "not a model at all");
        assertThatThrownBy(() -> OnnxModel.load(file, 1))
                .isInstanceOf(ModelException.class)
                .hasMessageContaining("junk.onnx is not a valid ONNX model");
        assertThatThrownBy(() -> OnnxModel.load(dir.resolve("missing.onnx"), 1))
                .isInstanceOf(ModelException.class)
                .hasMessageContaining("does not exist");
    }

    @Test
    void onlyRequestedOutputsAreComputed() throws Exception {
        Path file = TestModels.write(dir, "am.onnx", TestModels.addMul());
        try (OnnxModel m = OnnxModel.load(file, 1)) {
            Tensor a = new Tensor("a", Datatype.FP32, new long[] {1, 3}, new float[] {1, 2, 3});
            Tensor b = new Tensor("b", Datatype.FP32, new long[] {1, 3}, new float[] {4, 5, 6});
            Tensor[] out = m.run(new Tensor[] {a, b}, new boolean[] {false, true});
            assertThat(out[0]).isNull();
            assertThat((float[]) out[1].data()).containsExactly(4, 10, 18);
        }
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
}
