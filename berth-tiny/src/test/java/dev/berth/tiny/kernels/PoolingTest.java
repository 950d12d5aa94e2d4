package dev.berth.tiny.kernels;

import dev.berth.tiny.interpreter.MicroInterpreter;
import dev.berth.tiny.testing.TestModel;
import dev.berth.tiny.testing.TestModel.Quant;
import dev.berth.tiny.tflite.BuiltinOperator;
import dev.berth.tiny.tflite.TensorType;
import org.junit.jupiter.api.Test;

import static dev.berth.tiny.testing.TestModel.shape;
import static org.assertj.core.api.Assertions.assertThat;

/** Pooling a 2x3 image [1 2 4 / -3 -5 5] with a 2x2 window. */
class PoolingTest {
    private static final int[] IMAGE = {1, 2, 4, -3, -5, 5};

    private static MicroInterpreter pool(int code, TensorType type, int padding, int stride, int zeroPoint) {
        TestModel m = new TestModel();
        Quant quant = type == TensorType.FLOAT32 ? null : Quant.of(0.5f, zeroPoint);
        int in = m.tensor("in", type, shape(1, 2, 3, 1), quant);
        int out = m.tensor("out", type, shape(1, 1, 2, 1), quant);
        m.op(code, TestModel.POOL_2D_OPTIONS, TestModel.pool(padding, stride, stride, 2, 2, TestModel.NONE),
                new int[] {in}, out).inputs(in).outputs(out);
        return m.interpreter();
    }

    @Test
    void int8AverageRoundsHalfAwayFromZero() {
        MicroInterpreter p = pool(BuiltinOperator.AVERAGE_POOL_2D, TensorType.INT8, TestModel.VALID, 1, 0);
        p.setInputQuantized(0, IMAGE);
        p.invoke();
        // (1+2-3-5)/4 = -1.25 -> -1; (2+4-5+5)/4 = 1.5 -> 2
        assertThat(p.outputQuantized(0)).containsExactly(-1, 2);
    }

    @Test
    void int8AverageWithSamePaddingCountsOnlyTheInput() {
        MicroInterpreter p = pool(BuiltinOperator.AVERAGE_POOL_2D, TensorType.INT8, TestModel.SAME, 2, 0);
        p.setInputQuantized(0, IMAGE);
        p.invoke();
        // windows at columns 0-1 (4 values, -5/4 -> -1) and 2 (clipped: (4+5)/2 = 4.5 -> 5)
        assertThat(p.outputQuantized(0)).containsExactly(-1, 5);
    }

    @Test
    void legacyUint8AverageRoundsInTheUnsignedDomain() {
        MicroInterpreter p = pool(BuiltinOperator.AVERAGE_POOL_2D, TensorType.UINT8, TestModel.VALID, 1, 128);
        p.setInputQuantized(0, new int[] {0, 1, 0, 0, 0, 3});
        p.invoke();
        // uint8 reference: (0+1+0+0 + 2) / 4 = 0, (1+0+0+3 + 2) / 4 = 1
        assertThat(p.outputQuantized(0)).containsExactly(0, 1);
    }

    @Test
    void int8Max() {
        MicroInterpreter p = pool(BuiltinOperator.MAX_POOL_2D, TensorType.INT8, TestModel.VALID, 1, 0);
        p.setInputQuantized(0, IMAGE);
        p.invoke();
        assertThat(p.outputQuantized(0)).containsExactly(2, 5);
    }

    @Test
    void floatAverageAndMax() {
        MicroInterpreter avg = pool(BuiltinOperator.AVERAGE_POOL_2D, TensorType.FLOAT32, TestModel.VALID, 1, 0);
        MicroInterpreter max = pool(BuiltinOperator.MAX_POOL_2D, TensorType.FLOAT32, TestModel.VALID, 1, 0);
        float[] image = {1, 2, 4, -3, -5, 5};
        avg.setInput(0, image);
        max.setInput(0, image);
        avg.invoke();
        max.invoke();
        assertThat(avg.outputValues(0)).containsExactly(-1.25f, 1.5f);
        assertThat(max.outputValues(0)).containsExactly(2f, 5f);
    }
}
