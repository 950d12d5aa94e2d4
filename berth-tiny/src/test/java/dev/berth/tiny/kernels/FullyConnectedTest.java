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

class FullyConnectedTest {

    /**
     * input q [1, 3, -5] (scale 0.5, zp -1) = [1, 2, -2]; weights [[1, -2, 0.5], [0.25, 0.5, 0.75]] (q x 0.25);
     * bias [1, -0.5] (q x 0.125). Rows: 1 - 4 - 1 + 1 = -3 and 0.25 + 1 - 1.5 - 0.5 = -0.75, which the fixed-point
     * requantization rounds to -1. Output zero point 3: [0, 2].
     */
    private static MicroInterpreter int8Model(int activation) {
        TestModel m = new TestModel();
        int in = m.tensor("in", TensorType.INT8, shape(1, 3), Quant.of(0.5f, -1));
        int w = m.int8Constant("w", shape(2, 3), Quant.of(0.25f, 0), 4, -8, 2, 1, 2, 3);
        int b = m.int32Constant("b", shape(2), 8, -4);
        int out = m.tensor("out", TensorType.INT8, shape(1, 2), Quant.of(1f, 3));
        m.op(BuiltinOperator.FULLY_CONNECTED, TestModel.FULLY_CONNECTED_OPTIONS, TestModel.fullyConnected(activation),
                new int[] {in, w, b}, out).inputs(in).outputs(out);
        return m.interpreter();
    }

    @Test
    void int8MatchesHandComputedValues() {
        MicroInterpreter fc = int8Model(TestModel.NONE);
        fc.setInputQuantized(0, new int[] {1, 3, -5});
        fc.invoke();
        assertThat(fc.outputQuantized(0)).containsExactly(0, 2);
    }

    @Test
    void reluClampsAtTheOutputZeroPoint() {
        MicroInterpreter fc = int8Model(TestModel.RELU);
        fc.setInputQuantized(0, new int[] {1, 3, -5});
        fc.invoke();
        assertThat(fc.outputQuantized(0)).containsExactly(3, 3);
    }

    @Test
    void int8SaturatesAtTheTypeRange() {
        MicroInterpreter fc = int8Model(TestModel.NONE);
        // [64, -63.5, -63.5]: row 0 = 64 + 127 - 31.75 + 1 = 160.25, clamped; row 1 = 16 - 31.75 - 47.625 - 0.5
        // = -63.875, rounded to -64, plus zero point 3
        fc.setInputQuantized(0, new int[] {127, -128, -128});
        fc.invoke();
        assertThat(fc.outputQuantized(0)).containsExactly(127, -61);
    }

    @Test
    void floatWithBiasAndRelu6() {
        TestModel m = new TestModel();
        int in = m.tensor("in", TensorType.FLOAT32, shape(2, 2), null);
        int w = m.floatConstant("w", shape(3, 2), 1f, 2f, -1f, 0.5f, 3f, 3f);
        int b = m.floatConstant("b", shape(3), 0.5f, 0f, -1f);
        int out = m.tensor("out", TensorType.FLOAT32, shape(2, 3), null);
        m.op(BuiltinOperator.FULLY_CONNECTED, TestModel.FULLY_CONNECTED_OPTIONS, TestModel.fullyConnected(TestModel.RELU6),
                new int[] {in, w, b}, out).inputs(in).outputs(out);
        MicroInterpreter fc = m.interpreter();
        fc.setInput(0, new float[] {1f, 1f, 2f, -4f});
        fc.invoke();
        // batch 0: 3.5, -0.5 -> 0, 5; batch 1: 2 - 8 + 0.5 = -5.5 -> 0, -2 - 2 -> 0, 6 - 12 - 1 -> 0
        assertThat(fc.outputValues(0)).containsExactly(3.5f, 0f, 5f, 0f, 0f, 0f);
    }

    @Test
    void hybridInt8WeightsWithFloatActivationsAreDequantized() {
        TestModel m = new TestModel();
        int in = m.tensor("in", TensorType.FLOAT32, shape(1, 2), null);
        int w = m.int8Constant("w", shape(1, 2), Quant.of(0.5f, 0), 4, -2); // [2, -1]
        int out = m.tensor("out", TensorType.FLOAT32, shape(1, 1), null);
        m.op(BuiltinOperator.FULLY_CONNECTED, TestModel.FULLY_CONNECTED_OPTIONS, TestModel.fullyConnected(0),
                new int[] {in, w, -1}, out).inputs(in).outputs(out);
        MicroInterpreter fc = m.interpreter();
        fc.setInput(0, new float[] {3f, 1f});
        fc.invoke();
        assertThat(fc.outputValues(0)).containsExactly(5f);
    }

    /** Legacy uint8: (130-128)*(132-128)*0.5 + (126-128)*(124-128)*0.5 = 2*2 + (-2)*(-2) = 8, zp 128: 136. */
    @Test
    void legacyUint8WithFilterZeroPoint() {
        TestModel m = new TestModel();
        int in = m.tensor("in", TensorType.UINT8, shape(1, 2), Quant.of(1f, 128));
        int w = m.uint8Constant("w", shape(1, 2), Quant.of(0.5f, 128), 132, 124);
        int b = m.int32Constant("b", shape(1), 0);
        int out = m.tensor("out", TensorType.UINT8, shape(1, 1), Quant.of(1f, 128));
        m.op(BuiltinOperator.FULLY_CONNECTED, TestModel.FULLY_CONNECTED_OPTIONS, TestModel.fullyConnected(0),
                new int[] {in, w, b}, out).inputs(in).outputs(out);
        MicroInterpreter fc = m.interpreter();
        fc.setInputQuantized(0, new int[] {130, 126});
        fc.invoke();
        assertThat(fc.outputQuantized(0)).containsExactly(136);
    }

    @Test
    void weightsComputedAtRunTimeAreRefusedAtLoad() {
        TestModel m = new TestModel();
        int in = m.tensor("in", TensorType.INT8, shape(1, 2), Quant.of(1f, 0));
        int w = m.tensor("w", TensorType.INT8, shape(1, 2), Quant.of(1f, 0));
        int out = m.tensor("out", TensorType.INT8, shape(1, 1), Quant.of(1f, 0));
        m.op(BuiltinOperator.FULLY_CONNECTED, TestModel.FULLY_CONNECTED_OPTIONS, TestModel.fullyConnected(0),
                new int[] {in, w, -1}, out).inputs(in, w).outputs(out);
        assertThatThrownBy(m::interpreter).isInstanceOf(TinyException.class)
                .hasMessageContaining("operator 0 (FULLY_CONNECTED)").hasMessageContaining("must be a constant");
    }
}
