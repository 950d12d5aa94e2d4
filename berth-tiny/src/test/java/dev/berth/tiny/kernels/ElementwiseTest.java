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

/** ADD, QUANTIZE, DEQUANTIZE and RESHAPE. */
class ElementwiseTest {

    /** a = [1, 2, -3, 5] (q x 0.5), b = [1, 0, -1, 2] ((q - 4) x 0.25), sum at scale 0.5, zp -2. */
    @Test
    void int8AddRescalesBothInputs() {
        TestModel m = new TestModel();
        int a = m.tensor("a", TensorType.INT8, shape(1, 4), Quant.of(0.5f, 0));
        int b = m.tensor("b", TensorType.INT8, shape(1, 4), Quant.of(0.25f, 4));
        int out = m.tensor("out", TensorType.INT8, shape(1, 4), Quant.of(0.5f, -2));
        m.op(BuiltinOperator.ADD, TestModel.ADD_OPTIONS, TestModel.add(TestModel.NONE), new int[] {a, b}, out)
                .inputs(a, b).outputs(out);
        MicroInterpreter add = m.interpreter();
        add.setInputQuantized(0, new int[] {2, 4, -6, 10});
        add.setInputQuantized(1, new int[] {8, 4, 0, 12});
        add.invoke();
        assertThat(add.outputQuantized(0)).containsExactly(2, 2, -10, 12); // [2, 2, -4, 7] / 0.5 - 2
    }

    @Test
    void int8AddBroadcastsAndAppliesRelu() {
        TestModel m = new TestModel();
        int a = m.tensor("a", TensorType.INT8, shape(2, 2), Quant.of(1f, 0));
        int b = m.tensor("b", TensorType.INT8, shape(2), Quant.of(1f, 0));
        int out = m.tensor("out", TensorType.INT8, shape(2, 2), Quant.of(1f, 0));
        m.op(BuiltinOperator.ADD, TestModel.ADD_OPTIONS, TestModel.add(TestModel.RELU), new int[] {a, b}, out)
                .inputs(a, b).outputs(out);
        MicroInterpreter add = m.interpreter();
        add.setInputQuantized(0, new int[] {1, 2, 3, 4});
        add.setInputQuantized(1, new int[] {10, -20});
        add.invoke();
        assertThat(add.outputQuantized(0)).containsExactly(11, 0, 13, 0);
    }

    @Test
    void floatAdd() {
        TestModel m = new TestModel();
        int a = m.tensor("a", TensorType.FLOAT32, shape(3), null);
        int b = m.floatConstant("b", shape(1), 0.5f);
        int out = m.tensor("out", TensorType.FLOAT32, shape(3), null);
        m.op(BuiltinOperator.ADD, TestModel.ADD_OPTIONS, TestModel.add(TestModel.NONE), new int[] {a, b}, out)
                .inputs(a).outputs(out);
        MicroInterpreter add = m.interpreter();
        add.setInput(0, new float[] {1f, -2f, 3.25f});
        add.invoke();
        assertThat(add.outputValues(0)).containsExactly(1.5f, -1.5f, 3.75f);
    }

    @Test
    void quantizeRoundsHalfAwayFromZeroAndClamps() {
        TestModel m = new TestModel();
        int in = m.tensor("in", TensorType.FLOAT32, shape(6), null);
        int out = m.tensor("out", TensorType.INT8, shape(6), Quant.of(0.5f, 1));
        m.op(BuiltinOperator.QUANTIZE, 0, null, new int[] {in}, out).inputs(in).outputs(out);
        MicroInterpreter q = m.interpreter();
        q.setInput(0, new float[] {0f, 0.25f, -0.25f, 0.74f, 100f, -100f});
        q.invoke();
        assertThat(q.outputQuantized(0)).containsExactly(1, 2, 0, 2, 127, -128);
    }

    @Test
    void quantizeRequantizesInt8() {
        TestModel m = new TestModel();
        int in = m.tensor("in", TensorType.INT8, shape(3), Quant.of(1f, 0));
        int out = m.tensor("out", TensorType.INT8, shape(3), Quant.of(2f, 5));
        m.op(BuiltinOperator.QUANTIZE, 0, null, new int[] {in}, out).inputs(in).outputs(out);
        MicroInterpreter q = m.interpreter();
        q.setInputQuantized(0, new int[] {10, -10, 3});
        q.invoke();
        assertThat(q.outputQuantized(0)).containsExactly(10, 0, 7); // 5, -5, 1.5 -> 2, each plus 5
    }

    @Test
    void dequantize() {
        TestModel m = new TestModel();
        int in = m.tensor("in", TensorType.INT8, shape(3), Quant.of(0.5f, 1));
        int out = m.tensor("out", TensorType.FLOAT32, shape(3), null);
        m.op(BuiltinOperator.DEQUANTIZE, 0, null, new int[] {in}, out).inputs(in).outputs(out);
        MicroInterpreter d = m.interpreter();
        d.setInputQuantized(0, new int[] {1, 3, -1});
        d.invoke();
        assertThat(d.outputValues(0)).containsExactly(0f, 1f, -1f);
    }

    @Test
    void reshapeCopiesTheBytes() {
        TestModel m = new TestModel();
        int in = m.tensor("in", TensorType.INT8, shape(1, 2, 2, 1), Quant.of(1f, 0));
        int newShape = m.int32Constant("shape", shape(2), 1, 4);
        int out = m.tensor("out", TensorType.INT8, shape(1, 4), Quant.of(1f, 0));
        m.op(BuiltinOperator.RESHAPE, 0, null, new int[] {in, newShape}, out).inputs(in).outputs(out);
        MicroInterpreter r = m.interpreter();
        r.setInputQuantized(0, new int[] {4, -3, 2, -1});
        r.invoke();
        assertThat(r.outputQuantized(0)).containsExactly(4, -3, 2, -1);
    }

    @Test
    void reshapeToADifferentSizeIsRefused() {
        TestModel m = new TestModel();
        int in = m.tensor("in", TensorType.INT8, shape(1, 4), Quant.of(1f, 0));
        int out = m.tensor("out", TensorType.INT8, shape(1, 3), Quant.of(1f, 0));
        m.op(BuiltinOperator.RESHAPE, 0, null, new int[] {in}, out).inputs(in).outputs(out);
        assertThatThrownBy(m::interpreter).isInstanceOf(TinyException.class)
                .hasMessageContaining("operator 0 (RESHAPE)").hasMessageContaining("cannot be reshaped");
    }
}
