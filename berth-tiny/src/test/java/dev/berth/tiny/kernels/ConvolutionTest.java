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

/**
 * CONV_2D and DEPTHWISE_CONV_2D on a 3x3 image with values 1..9:
 * <pre>
 * 1 2 3
 * 4 5 6
 * 7 8 9
 * </pre>
 * Filter channel 0 is the 2x2 diagonal [[1, 0], [0, 1]], channel 1 is all ones (stored as 2 with scale 0.5:
 * per-channel quantization); biases are 1 and 1 in real terms.
 */
class ConvolutionTest {
    private static final int[] IMAGE = {1, 2, 3, 4, 5, 6, 7, 8, 9};

    private static MicroInterpreter conv(int padding, int stride, int inputZeroPoint, int activation, float outScale) {
        TestModel m = new TestModel();
        int in = m.tensor("in", TensorType.INT8, shape(1, 3, 3, 1), Quant.of(1f, inputZeroPoint));
        int w = m.int8Constant("w", shape(2, 2, 2, 1), Quant.perChannel(0, 1f, 0.5f), 1, 0, 0, 1, 2, 2, 2, 2);
        int b = m.int32Constant("b", shape(2), 1, 2); // bias scale = input scale x filter scale: 1 and 0.5
        int outSize = padding == TestModel.VALID ? 2 : (3 + stride - 1) / stride;
        int out = m.tensor("out", TensorType.INT8, shape(1, outSize, outSize, 2), Quant.of(outScale, 0));
        m.op(BuiltinOperator.CONV_2D, TestModel.CONV_2D_OPTIONS, TestModel.conv(padding, stride, stride, activation),
                new int[] {in, w, b}, out).inputs(in).outputs(out);
        return m.interpreter();
    }

    private static int[] image(int zeroPoint) {
        int[] q = new int[IMAGE.length];
        for (int i = 0; i < q.length; i++) {
            q[i] = IMAGE[i] + zeroPoint;
        }
        return q;
    }

    @Test
    void validPaddingPerChannel() {
        MicroInterpreter c = conv(TestModel.VALID, 1, 0, TestModel.NONE, 1f);
        c.setInputQuantized(0, image(0));
        c.invoke();
        // diagonal sums + 1: 7 9 13 15; window sums + 1: 13 17 25 29 (NHWC interleaved)
        assertThat(c.outputQuantized(0)).containsExactly(7, 13, 9, 17, 13, 25, 15, 29);
    }

    @Test
    void samePaddingStrideTwoTreatsPaddingAsRealZeroEvenWithAZeroPoint() {
        MicroInterpreter c = conv(TestModel.SAME, 2, 5, TestModel.NONE, 1f);
        c.setInputQuantized(0, image(5));
        c.invoke();
        // windows at (0,0), (0,2), (2,0), (2,2), clipped at the bottom and right:
        // diagonal: 1+5+1, 3+1, 7+1, 9+1; sums: 12+1, 3+6+1, 7+8+1, 9+1
        assertThat(c.outputQuantized(0)).containsExactly(7, 13, 4, 10, 8, 16, 10, 10);
    }

    @Test
    void requantizesToTheOutputScaleAndClampsRelu6() {
        MicroInterpreter c = conv(TestModel.VALID, 1, 0, TestModel.RELU6, 0.5f);
        c.setInputQuantized(0, image(0));
        c.invoke();
        // real values x 2, then RELU6 = 12 at scale 0.5
        assertThat(c.outputQuantized(0)).containsExactly(12, 12, 12, 12, 12, 12, 12, 12);
    }

    @Test
    void floatConvolutionWithSamePadding() {
        TestModel m = new TestModel();
        int in = m.tensor("in", TensorType.FLOAT32, shape(1, 3, 3, 1), null);
        int w = m.floatConstant("w", shape(1, 3, 3, 1), 0, 1, 0, 1, -4, 1, 0, 1, 0); // Laplacian
        int b = m.floatConstant("b", shape(1), 0.5f);
        int out = m.tensor("out", TensorType.FLOAT32, shape(1, 3, 3, 1), null);
        m.op(BuiltinOperator.CONV_2D, TestModel.CONV_2D_OPTIONS, TestModel.conv(TestModel.SAME, 1, 1, TestModel.NONE),
                new int[] {in, w, b}, out).inputs(in).outputs(out);
        MicroInterpreter c = m.interpreter();
        c.setInput(0, new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9});
        c.invoke();
        // neighbours minus 4 x centre, zero outside, plus 0.5: (0,0) 2+4-4, (0,1) 1+3+5-8, (0,2) 2+6-12, (1,0)
        // 1+5+7-16, (1,1) 2+4+6+8-20, (1,2) 3+5+9-24, (2,0) 4+8-28, (2,1) 5+7+9-32, (2,2) 6+8-36
        assertThat(c.outputValues(0)).containsExactly(2.5f, 1.5f, -3.5f, -2.5f, 0.5f, -6.5f, -15.5f, -10.5f, -21.5f);
    }

    /**
     * Depthwise with multiplier 2 over channels [1 2 / 3 4] and [10 20 / 30 40]: output channels are
     * sum(ch0) = 10, ch0 top-left minus bottom-right = -3, ch1 top-right = 20, sum(ch1) + bias 5 = 105.
     */
    @Test
    void depthwiseWithDepthMultiplier() {
        TestModel m = new TestModel();
        int in = m.tensor("in", TensorType.INT8, shape(1, 2, 2, 2), Quant.of(1f, 0));
        int w = m.int8Constant("w", shape(1, 2, 2, 4), Quant.perChannel(3, 1f, 1f, 1f, 0.5f),
                1, 1, 0, 2,
                1, 0, 1, 2,
                1, 0, 0, 2,
                1, -1, 0, 2);
        int b = m.int32Constant("b", shape(4), 0, 0, 0, 10); // 10 x 0.5 = 5
        int out = m.tensor("out", TensorType.INT8, shape(1, 1, 1, 4), Quant.of(1f, 0));
        m.op(BuiltinOperator.DEPTHWISE_CONV_2D, TestModel.DEPTHWISE_CONV_2D_OPTIONS,
                TestModel.depthwise(TestModel.VALID, 1, 1, 2, TestModel.NONE), new int[] {in, w, b}, out)
                .inputs(in).outputs(out);
        MicroInterpreter d = m.interpreter();
        d.setInputQuantized(0, new int[] {1, 10, 2, 20, 3, 30, 4, 40});
        d.invoke();
        assertThat(d.outputQuantized(0)).containsExactly(10, -3, 20, 105);
    }

    @Test
    void depthwiseSamePaddingMultiplierOne() {
        TestModel m = new TestModel();
        int in = m.tensor("in", TensorType.INT8, shape(1, 3, 3, 1), Quant.of(1f, -3));
        int w = m.int8Constant("w", shape(1, 3, 3, 1), Quant.perChannel(3, 1f), 1, 1, 1, 1, 1, 1, 1, 1, 1);
        int out = m.tensor("out", TensorType.INT8, shape(1, 3, 3, 1), Quant.of(1f, 0));
        m.op(BuiltinOperator.DEPTHWISE_CONV_2D, TestModel.DEPTHWISE_CONV_2D_OPTIONS,
                TestModel.depthwise(TestModel.SAME, 1, 1, 1, TestModel.NONE), new int[] {in, w, -1}, out)
                .inputs(in).outputs(out);
        MicroInterpreter d = m.interpreter();
        d.setInputQuantized(0, image(-3));
        d.invoke();
        // 3x3 box sums of the image with zero padding
        assertThat(d.outputQuantized(0)).containsExactly(12, 21, 16, 27, 45, 33, 24, 39, 28);
    }

    @Test
    void wrongDeclaredOutputShapeIsAnErrorAtLoad() {
        TestModel m = new TestModel();
        int in = m.tensor("in", TensorType.INT8, shape(1, 3, 3, 1), Quant.of(1f, 0));
        int w = m.int8Constant("w", shape(1, 2, 2, 1), Quant.of(1f, 0), 1, 1, 1, 1);
        int out = m.tensor("out", TensorType.INT8, shape(1, 3, 3, 1), Quant.of(1f, 0));
        m.op(BuiltinOperator.CONV_2D, TestModel.CONV_2D_OPTIONS, TestModel.conv(TestModel.VALID, 1, 1, 0),
                new int[] {in, w, -1}, out).inputs(in).outputs(out);
        assertThatThrownBy(m::interpreter).isInstanceOf(TinyException.class)
                .hasMessage("operator 0 (CONV_2D): the output height is 3 but the input, filter and stride give 2");
    }
}
