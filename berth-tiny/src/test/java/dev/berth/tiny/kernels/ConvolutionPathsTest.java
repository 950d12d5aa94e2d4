package dev.berth.tiny.kernels;

import dev.berth.tiny.interpreter.MicroInterpreter;
import dev.berth.tiny.testing.TestModel;
import dev.berth.tiny.testing.TestModel.Quant;
import dev.berth.tiny.tflite.BuiltinOperator;
import dev.berth.tiny.tflite.TensorType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Random;

import static dev.berth.tiny.testing.TestModel.shape;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The optimised convolution paths (channel-major, pixel-major blocks, depthwise over converted pixels) against a
 * direct transcription of the reference formula, on random tensors large enough to take each path: every output
 * must be identical.
 */
class ConvolutionPathsTest {

    /** conv: h, w, in channels, out channels, filter, stride, padding (0 SAME, 1 VALID), legacy uint8. */
    @ParameterizedTest
    @CsvSource({
        "20, 20, 3, 8, 3, 2, 0, false",   // pixel-major, few channels
        "17, 13, 5, 16, 3, 1, 0, false",  // pixel-major blocks spanning partial rows
        "9, 9, 16, 64, 3, 1, 1, false",   // channel-major
        "12, 12, 4, 8, 5, 2, 0, true",    // pixel-major with a uint8 filter zero point
        "6, 6, 8, 64, 1, 1, 0, true"})    // channel-major with a uint8 filter zero point
    void convolutionMatchesTheReferenceFormula(int h, int w, int inC, int outC, int k, int stride, int padding,
                                                boolean legacy) {
        Random random = new Random(h * 31 + outC);
        TensorType type = legacy ? TensorType.UINT8 : TensorType.INT8;
        int inputZero = legacy ? 120 : -5;
        int filterZero = legacy ? 131 : 0;
        int outputZero = legacy ? 128 : 3;
        int outH = padding == 0 ? (h + stride - 1) / stride : (h - k + stride) / stride;
        int outW = padding == 0 ? (w + stride - 1) / stride : (w - k + stride) / stride;
        int[] input = values(random, h * w * inC, legacy);
        int[] filter = values(random, outC * k * k * inC, legacy);
        int[] bias = new int[outC];
        float[] filterScales = new float[legacy ? 1 : outC];
        for (int c = 0; c < outC; c++) {
            bias[c] = random.nextInt(2001) - 1000;
        }
        for (int c = 0; c < filterScales.length; c++) {
            filterScales[c] = 0.002f + random.nextFloat() * 0.01f;
        }
        float inputScale = 0.05f;
        float outputScale = 0.07f;

        TestModel m = new TestModel();
        int in = m.tensor("in", type, shape(1, h, w, inC), Quant.of(inputScale, inputZero));
        int f = legacy ? m.uint8Constant("f", shape(outC, k, k, inC), Quant.of(filterScales[0], filterZero), filter)
                : m.int8Constant("f", shape(outC, k, k, inC), Quant.perChannel(0, filterScales), filter);
        int b = m.int32Constant("b", shape(outC), bias);
        int out = m.tensor("out", type, shape(1, outH, outW, outC), Quant.of(outputScale, outputZero));
        m.op(BuiltinOperator.CONV_2D, TestModel.CONV_2D_OPTIONS, TestModel.conv(padding, stride, stride, TestModel.RELU),
                new int[] {in, f, b}, out).inputs(in).outputs(out);
        MicroInterpreter conv = m.interpreter();
        conv.setInputQuantized(0, input);
        conv.invoke();

        int padH = Math.max(0, ((outH - 1) * stride + k - h) / 2);
        int padW = Math.max(0, ((outW - 1) * stride + k - w) / 2);
        int qmin = legacy ? 0 : -128;
        int qmax = legacy ? 255 : 127;
        int[] expected = new int[outH * outW * outC];
        for (int oy = 0; oy < outH; oy++) {
            for (int ox = 0; ox < outW; ox++) {
                for (int c = 0; c < outC; c++) {
                    int acc = bias[c];
                    for (int fy = 0; fy < k; fy++) {
                        for (int fx = 0; fx < k; fx++) {
                            int iy = oy * stride - padH + fy;
                            int ix = ox * stride - padW + fx;
                            if (iy < 0 || ix < 0 || iy >= h || ix >= w) {
                                continue;
                            }
                            for (int ic = 0; ic < inC; ic++) {
                                acc += (input[(iy * w + ix) * inC + ic] - inputZero)
                                        * (filter[((c * k + fy) * k + fx) * inC + ic] - filterZero);
                            }
                        }
                    }
                    long packed = QuantMath.quantizeMultiplier(
                            (double) inputScale * filterScales[legacy ? 0 : c] / outputScale);
                    int v = QuantMath.multiplyByQuantizedMultiplier(acc, QuantMath.multiplierOf(packed),
                            QuantMath.shiftOf(packed)) + outputZero;
                    expected[(oy * outW + ox) * outC + c] = Math.min(qmax, Math.max(Math.max(qmin, outputZero), v));
                }
            }
        }
        assertThat(conv.outputQuantized(0)).containsExactly(expected);
    }

    /** depthwise: h, w, in channels, multiplier, stride (pixel-major when out channels <= 16 and 8+ wide). */
    @ParameterizedTest
    @CsvSource({"30, 24, 1, 8, 2", "16, 16, 8, 1, 1", "10, 10, 32, 1, 2", "7, 5, 4, 3, 1"})
    void depthwiseMatchesTheReferenceFormula(int h, int w, int inC, int multiplier, int stride) {
        Random random = new Random(h * 7 + inC);
        int k = 3;
        int outC = inC * multiplier;
        int outH = (h + stride - 1) / stride;
        int outW = (w + stride - 1) / stride;
        int[] input = values(random, h * w * inC, false);
        int[] filter = values(random, k * k * outC, false);
        int[] bias = new int[outC];
        float[] scales = new float[outC];
        for (int c = 0; c < outC; c++) {
            bias[c] = random.nextInt(401) - 200;
            scales[c] = 0.003f + random.nextFloat() * 0.01f;
        }
        TestModel m = new TestModel();
        int in = m.tensor("in", TensorType.INT8, shape(1, h, w, inC), Quant.of(0.05f, 7));
        int f = m.int8Constant("f", shape(1, k, k, outC), Quant.perChannel(3, scales), filter);
        int b = m.int32Constant("b", shape(outC), bias);
        int out = m.tensor("out", TensorType.INT8, shape(1, outH, outW, outC), Quant.of(0.03f, -10));
        m.op(BuiltinOperator.DEPTHWISE_CONV_2D, TestModel.DEPTHWISE_CONV_2D_OPTIONS,
                TestModel.depthwise(TestModel.SAME, stride, stride, multiplier, TestModel.NONE),
                new int[] {in, f, b}, out).inputs(in).outputs(out);
        MicroInterpreter depthwise = m.interpreter();
        depthwise.setInputQuantized(0, input);
        depthwise.invoke();

        int padH = Math.max(0, ((outH - 1) * stride + k - h) / 2);
        int padW = Math.max(0, ((outW - 1) * stride + k - w) / 2);
        int[] expected = new int[outH * outW * outC];
        for (int oy = 0; oy < outH; oy++) {
            for (int ox = 0; ox < outW; ox++) {
                for (int c = 0; c < outC; c++) {
                    int acc = bias[c];
                    for (int fy = 0; fy < k; fy++) {
                        for (int fx = 0; fx < k; fx++) {
                            int iy = oy * stride - padH + fy;
                            int ix = ox * stride - padW + fx;
                            if (iy >= 0 && ix >= 0 && iy < h && ix < w) {
                                acc += (input[(iy * w + ix) * inC + c / multiplier] - 7) * filter[(fy * k + fx) * outC + c];
                            }
                        }
                    }
                    long packed = QuantMath.quantizeMultiplier(0.05 * scales[c] / 0.03f);
                    int v = QuantMath.multiplyByQuantizedMultiplier(acc, QuantMath.multiplierOf(packed),
                            QuantMath.shiftOf(packed)) - 10;
                    expected[(oy * outW + ox) * outC + c] = Math.min(127, Math.max(-128, v));
                }
            }
        }
        assertThat(depthwise.outputQuantized(0)).containsExactly(expected);
    }

    /** Float32 convolution (pixel-major and channel-major) and depthwise against the reference sums. */
    @ParameterizedTest
    @CsvSource({"20, 20, 3, 8, 2, false", "8, 8, 16, 64, 1, false", "14, 11, 6, 12, 1, true"})
    void floatPathsMatchTheReferenceSums(int h, int w, int inC, int outC, int stride, boolean depthwise) {
        Random random = new Random(h + outC);
        int k = 3;
        int outH = (h + stride - 1) / stride;
        int outW = (w + stride - 1) / stride;
        int multiplier = outC / inC;
        float[] input = new float[h * w * inC];
        float[] filter = new float[depthwise ? k * k * outC : outC * k * k * inC];
        float[] bias = new float[outC];
        for (int i = 0; i < input.length; i++) {
            input[i] = (float) random.nextGaussian();
        }
        for (int i = 0; i < filter.length; i++) {
            filter[i] = (float) random.nextGaussian();
        }
        for (int i = 0; i < outC; i++) {
            bias[i] = (float) random.nextGaussian();
        }
        TestModel m = new TestModel();
        int in = m.tensor("in", TensorType.FLOAT32, shape(1, h, w, inC), null);
        int f = m.floatConstant("f", depthwise ? shape(1, k, k, outC) : shape(outC, k, k, inC), filter);
        int b = m.floatConstant("b", shape(outC), bias);
        int out = m.tensor("out", TensorType.FLOAT32, shape(1, outH, outW, outC), null);
        if (depthwise) {
            m.op(BuiltinOperator.DEPTHWISE_CONV_2D, TestModel.DEPTHWISE_CONV_2D_OPTIONS,
                    TestModel.depthwise(TestModel.SAME, stride, stride, multiplier, TestModel.NONE), new int[] {in, f, b}, out);
        } else {
            m.op(BuiltinOperator.CONV_2D, TestModel.CONV_2D_OPTIONS, TestModel.conv(TestModel.SAME, stride, stride, 0),
                    new int[] {in, f, b}, out);
        }
        MicroInterpreter conv = m.inputs(in).outputs(out).interpreter();
        conv.setInput(0, input);
        conv.invoke();
        float[] got = conv.outputValues(0);
        int padH = Math.max(0, ((outH - 1) * stride + k - h) / 2);
        int padW = Math.max(0, ((outW - 1) * stride + k - w) / 2);
        for (int oy = 0; oy < outH; oy++) {
            for (int ox = 0; ox < outW; ox++) {
                for (int c = 0; c < outC; c++) {
                    double sum = bias[c];
                    for (int fy = 0; fy < k; fy++) {
                        for (int fx = 0; fx < k; fx++) {
                            int iy = oy * stride - padH + fy;
                            int ix = ox * stride - padW + fx;
                            if (iy < 0 || ix < 0 || iy >= h || ix >= w) {
                                continue;
                            }
                            if (depthwise) {
                                sum += input[(iy * w + ix) * inC + c / multiplier] * filter[(fy * k + fx) * outC + c];
                            } else {
                                for (int ic = 0; ic < inC; ic++) {
                                    sum += input[(iy * w + ix) * inC + ic] * filter[((c * k + fy) * k + fx) * inC + ic];
                                }
                            }
                        }
                    }
                    assertThat((double) got[(oy * outW + ox) * outC + c]).isCloseTo(sum, within(1e-4));
                }
            }
        }
    }

    @Test
    void fullyConnectedMatchesTheReferenceFormula() {
        Random random = new Random(5);
        int depth = 300;
        int outC = 70;
        int[] input = values(random, 2 * depth, false);
        int[] weights = values(random, outC * depth, false);
        TestModel m = new TestModel();
        int in = m.tensor("in", TensorType.INT8, shape(2, depth), Quant.of(0.1f, 4));
        int f = m.int8Constant("f", shape(outC, depth), Quant.of(0.004f, 0), weights);
        int out = m.tensor("out", TensorType.INT8, shape(2, outC), Quant.of(0.2f, -1));
        m.op(BuiltinOperator.FULLY_CONNECTED, TestModel.FULLY_CONNECTED_OPTIONS, TestModel.fullyConnected(0),
                new int[] {in, f, -1}, out).inputs(in).outputs(out);
        MicroInterpreter fc = m.interpreter();
        fc.setInputQuantized(0, input);
        fc.invoke();
        long packed = QuantMath.quantizeMultiplier((double) 0.1f * 0.004f / 0.2f);
        int[] expected = new int[2 * outC];
        for (int b = 0; b < 2; b++) {
            for (int c = 0; c < outC; c++) {
                int acc = 0;
                for (int d = 0; d < depth; d++) {
                    acc += (input[b * depth + d] - 4) * weights[c * depth + d];
                }
                int v = QuantMath.multiplyByQuantizedMultiplier(acc, QuantMath.multiplierOf(packed),
                        QuantMath.shiftOf(packed)) - 1;
                expected[b * outC + c] = Math.min(127, Math.max(-128, v));
            }
        }
        assertThat(fc.outputQuantized(0)).containsExactly(expected);
    }

    private static int[] values(Random random, int n, boolean unsigned) {
        int[] values = new int[n];
        for (int i = 0; i < n; i++) {
            values[i] = unsigned ? random.nextInt(256) : random.nextInt(256) - 128;
        }
        return values;
    }
}
