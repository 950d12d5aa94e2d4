package dev.berth.tiny.kernels;

import dev.berth.tiny.TinyException;
import dev.berth.tiny.interpreter.MicroInterpreter;
import dev.berth.tiny.testing.TestModel;
import dev.berth.tiny.testing.TestModel.Quant;
import dev.berth.tiny.tflite.BuiltinOperator;
import dev.berth.tiny.tflite.TensorType;
import org.junit.jupiter.api.Test;

import static dev.berth.tiny.testing.TestModel.shape;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class SoftmaxTest {

    private static MicroInterpreter int8Softmax(float inputScale, int depth, float beta) {
        TestModel m = new TestModel();
        int in = m.tensor("in", TensorType.INT8, shape(1, depth), Quant.of(inputScale, 0));
        int out = m.tensor("out", TensorType.INT8, shape(1, depth), Quant.of(1f / 256, -128));
        m.op(BuiltinOperator.SOFTMAX, TestModel.SOFTMAX_OPTIONS, TestModel.softmax(beta), new int[] {in}, out)
                .inputs(in).outputs(out);
        return m.interpreter();
    }

    /** softmax(1, 2, 3, 4) = 0.0321, 0.0871, 0.2369, 0.6439; x 256 - 128 = -119.8, -105.7, -67.4, 36.8. */
    @Test
    void int8MatchesTheRealSoftmaxToOneStep() {
        MicroInterpreter s = int8Softmax(0.1f, 4, 1f);
        s.setInputQuantized(0, new int[] {10, 20, 30, 40});
        s.invoke();
        int[] q = s.outputQuantized(0);
        int[] expected = {-120, -106, -67, 37};
        for (int i = 0; i < 4; i++) {
            assertThat(q[i]).as("class %d", i).isCloseTo(expected[i], within(1));
        }
    }

    @Test
    void int8EqualInputsShareTheMassAndTheMaximumSaturates() {
        MicroInterpreter s = int8Softmax(0.5f, 2, 1f);
        s.setInputQuantized(0, new int[] {7, 7});
        s.invoke();
        assertThat(s.outputQuantized(0)).containsExactly(0, 0); // 0.5 each = 128 - 128
        s.setInputQuantized(0, new int[] {127, -128});
        s.invoke();
        assertThat(s.outputQuantized(0)).containsExactly(127, -128); // exp(-127.5) is far below diff_min
    }

    @Test
    void int8FollowsBeta() {
        MicroInterpreter s = int8Softmax(0.1f, 2, 2f);
        s.setInputQuantized(0, new int[] {0, 10}); // beta 2: softmax(0, 2) = 0.1192, 0.8808
        s.invoke();
        int[] q = s.outputQuantized(0);
        assertThat(q[0]).isCloseTo(-97, within(1));
        assertThat(q[1]).isCloseTo(97, within(1));
    }

    @Test
    void floatSoftmax() {
        TestModel m = new TestModel();
        int in = m.tensor("in", TensorType.FLOAT32, shape(2, 2), null);
        int out = m.tensor("out", TensorType.FLOAT32, shape(2, 2), null);
        m.op(BuiltinOperator.SOFTMAX, TestModel.SOFTMAX_OPTIONS, TestModel.softmax(1f), new int[] {in}, out)
                .inputs(in).outputs(out);
        MicroInterpreter s = m.interpreter();
        s.setInput(0, new float[] {0f, (float) Math.log(3), 5f, 5f});
        s.invoke();
        assertThat(s.outputValues(0)).containsExactly(new float[] {0.25f, 0.75f, 0.5f, 0.5f}, within(1e-6f));
    }

    @Test
    void int8OutputMustUseTheSoftmaxQuantization() {
        TestModel m = new TestModel();
        int in = m.tensor("in", TensorType.INT8, shape(1, 2), Quant.of(0.1f, 0));
        int out = m.tensor("out", TensorType.INT8, shape(1, 2), Quant.of(0.1f, 0));
        m.op(BuiltinOperator.SOFTMAX, TestModel.SOFTMAX_OPTIONS, TestModel.softmax(1f), new int[] {in}, out)
                .inputs(in).outputs(out);
        assertThatThrownBy(m::interpreter).isInstanceOf(TinyException.class)
                .hasMessageContaining("operator 0 (SOFTMAX) is not supported")
                .hasMessageContaining("scale 1/256 and zero point -128");
    }

    @Test
    void fixedPointExpAndReciprocalAgreeWithDoubleMath() {
        for (double x = -31.9; x <= 0; x += 0.37) {
            int raw = (int) Math.round(x * (1 << 26)); // Q5.26
            double got = Softmax.expOnNegativeValues(raw) / 2147483648.0;
            assertThat(got).as("exp(%f)", x).isCloseTo(Math.exp(raw / (double) (1 << 26)), within(2e-7));
        }
        assertThat(Softmax.expOnNegativeValues(0)).isEqualTo(Integer.MAX_VALUE);
        for (double x = 0; x < 1; x += 0.01) {
            int raw = (int) Math.round(x * 2147483647.0);
            double got = Softmax.oneOverOnePlusX(raw) / 2147483648.0;
            assertThat(got).as("1/(1+%f)", x).isCloseTo(1 / (1 + raw / 2147483648.0), within(1e-8));
        }
    }
}
