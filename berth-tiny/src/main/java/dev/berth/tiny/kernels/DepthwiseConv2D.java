package dev.berth.tiny.kernels;

import dev.berth.tiny.tflite.TensorType;

import java.util.Arrays;

/**
 * DEPTHWISE_CONV_2D with TFLM's reference semantics (int8 per-channel, legacy uint8, float32). Output channel
 * {@code c * depthMultiplier + m} sees input channel {@code c}. Options: padding 0, stride_w 1, stride_h 2,
 * depth_multiplier 3, fused_activation 4, dilation_w 5, dilation_h 6. The filter is [1, h, w, out].
 */
public final class DepthwiseConv2D implements Kernel {
    private final boolean quantized;
    private final byte[] in;
    private final int inOffset;
    private final byte[] out;
    private final int outOffset;
    private final int batches;
    private final int inH;
    private final int inW;
    private final int inC;
    private final int outH;
    private final int outW;
    private final int outC;
    private final int multiplier;
    private final int filterH;
    private final int filterW;
    private final int strideH;
    private final int strideW;
    private final int dilationH;
    private final int dilationW;
    private final int padH;
    private final int padW;
    /** Per filter tap, the weights of every output channel (filter offset added): see Conv2D.rows. */
    private final int[][] weights;
    /**
     * The input converted once per invocation: per pixel, its channels with the input offset added and repeated
     * per depth multiplier, so that the channel loop indexes pixel, weights and accumulators alike (vectorised).
     */
    private final int[][] pixels;
    /** Few channels and a wide output: accumulate per output row, pixel-major (see Conv2D). */
    private final boolean pixelMajor;
    private final int[][] rowAcc;
    private final int[] column;
    private final int[] bias;
    private final int[] acc;
    private final int inputOffset;
    private final int filterOffset;
    private final int outputZeroPoint;
    private final int[] multipliers;
    private final int[] shifts;
    private final Requantizer requantizer;
    private final int actMin;
    private final int actMax;
    private final float[][] floatWeights;
    private final float[][] floatPixels;
    private final float[] floatBias;
    private final float[] floatAcc;
    private final float floatMin;
    private final float floatMax;

    DepthwiseConv2D(OpContext context) {
        context.requireCounts(2, 3, 1);
        RuntimeTensor input = context.requiredInput(0);
        RuntimeTensor filter = context.requiredInput(1);
        RuntimeTensor biasTensor = context.input(2);
        RuntimeTensor output = context.output(0);
        context.requireRank(input, 4);
        context.requireRank(filter, 4);
        context.requireRank(output, 4);
        context.requireConstant(filter, "filter");
        batches = input.dim(0);
        inH = input.dim(1);
        inW = input.dim(2);
        inC = input.dim(3);
        filterH = filter.dim(1);
        filterW = filter.dim(2);
        outC = filter.dim(3);
        if (filter.dim(0) != 1 || inC == 0 || outC % inC != 0) {
            throw context.error(filter.describe() + " does not fit " + inC + " input channels");
        }
        multiplier = outC / inC;
        int declaredMultiplier = context.optionInt(3, 0);
        if (declaredMultiplier != 0 && declaredMultiplier != multiplier) {
            throw context.error("depth_multiplier is " + declaredMultiplier + " but the filter gives " + multiplier);
        }
        if (output.dim(0) != batches || output.dim(3) != outC) {
            throw context.error(output.describe() + " does not match " + input.describe() + " and " + filter.describe());
        }
        int padding = context.optionByte(0, (byte) 0);
        strideW = context.optionInt(1, 1);
        strideH = context.optionInt(2, 1);
        Activation activation = Activation.of(context.optionByte(4, (byte) 0), context);
        dilationW = context.optionInt(5, 1);
        dilationH = context.optionInt(6, 1);
        ConvGeometry gh = ConvGeometry.check(context, "height", padding, inH, filterH, strideH, dilationH, output.dim(1));
        ConvGeometry gw = ConvGeometry.check(context, "width", padding, inW, filterW, strideW, dilationW, output.dim(2));
        outH = gh.outSize();
        outW = gw.outSize();
        padH = gh.padding();
        padW = gw.padding();
        in = input.data;
        inOffset = input.offset;
        out = output.data;
        outOffset = output.offset;
        quantized = input.type != TensorType.FLOAT32;
        if (quantized) {
            context.requireType(input, TensorType.INT8, TensorType.UINT8);
            context.requireType(filter, input.declaredType);
            context.requireType(output, input.declaredType);
            ChannelQuantization scales = ChannelQuantization.of(context, input, filter, output, outC, 3);
            multipliers = scales.multipliers();
            shifts = scales.shifts();
            filterOffset = scales.filterOffset();
            inputOffset = -input.zeroPoint;
            outputZeroPoint = output.zeroPoint;
            int[] range = activation.quantizedRange(output.scale, output.zeroPoint);
            actMin = range[0];
            actMax = range[1];
            bias = ChannelQuantization.bias(context, biasTensor, outC);
            requantizer = new Requantizer(multipliers, shifts, outputZeroPoint, actMin, actMax, Math.max(outC, outW));
            int[] widened = Conv2D.widen(filter.data);
            for (int i = 0; i < widened.length; i++) {
                widened[i] += filterOffset;
            }
            weights = Conv2D.rows(widened, outC);
            pixelMajor = outC <= 16 && outW >= 8;
            pixels = pixelMajor ? null : new int[batches * inH * inW][outC];
            rowAcc = pixelMajor ? new int[outC][outW] : null;
            column = pixelMajor ? new int[outW] : null;
            floatPixels = null;
            acc = new int[outC];
            floatWeights = null;
            floatBias = null;
            floatAcc = null;
            floatMin = 0;
            floatMax = 0;
        } else {
            context.requireType(output, TensorType.FLOAT32);
            floatWeights = Conv2D.rows(ChannelQuantization.floatWeights(context, filter, 3), outC);
            floatPixels = new float[batches * inH * inW][outC];
            pixels = null;
            pixelMajor = false;
            rowAcc = null;
            column = null;
            floatBias = ChannelQuantization.floatBias(context, biasTensor, outC);
            floatAcc = new float[outC];
            floatMin = activation.floatMin();
            floatMax = activation.floatMax();
            weights = null;
            bias = null;
            acc = null;
            inputOffset = 0;
            filterOffset = 0;
            outputZeroPoint = 0;
            multipliers = null;
            shifts = null;
            requantizer = null;
            actMin = 0;
            actMax = 0;
        }
    }

    @Override
    public void invoke() {
        if (quantized) {
            invokeQuantized();
        } else {
            invokeFloat();
        }
    }

    private void invokeQuantized() {
        if (pixelMajor) {
            invokePixelMajor();
            return;
        }
        final int oc = outC;
        final int[] acc = this.acc;
        final byte[] x = in;
        final int inOff = inputOffset;
        for (int p = 0, base = inOffset; p < pixels.length; p++, base += inC) {
            int[] px = pixels[p];
            if (multiplier == 1) {
                for (int c = 0; c < oc; c++) {
                    px[c] = x[base + c] + inOff;
                }
            } else {
                for (int ic = 0; ic < inC; ic++) {
                    int xv = x[base + ic] + inOff;
                    for (int m = 0; m < multiplier; m++) {
                        px[ic * multiplier + m] = xv;
                    }
                }
            }
        }
        int o = outOffset;
        for (int b = 0; b < batches; b++) {
            for (int oy = 0; oy < outH; oy++) {
                int iy0 = oy * strideH - padH;
                for (int ox = 0; ox < outW; ox++) {
                    int ix0 = ox * strideW - padW;
                    System.arraycopy(bias, 0, acc, 0, oc);
                    for (int fy = 0; fy < filterH; fy++) {
                        int iy = iy0 + fy * dilationH;
                        if (iy < 0 || iy >= inH) {
                            continue;
                        }
                        for (int fx = 0; fx < filterW; fx++) {
                            int ix = ix0 + fx * dilationW;
                            if (ix < 0 || ix >= inW) {
                                continue;
                            }
                            int[] px = pixels[(b * inH + iy) * inW + ix];
                            int[] w = weights[fy * filterW + fx];
                            for (int c = 0; c < oc; c++) {
                                acc[c] += px[c] * w[c];
                            }
                        }
                    }
                    requantizer.channels(acc, oc, out, o);
                    o += oc;
                }
            }
        }
    }

    private void invokePixelMajor() {
        final int width = outW;
        final byte[] x = in;
        final int[] col = column;
        for (int b = 0; b < batches; b++) {
            for (int oy = 0; oy < outH; oy++) {
                int iy0 = oy * strideH - padH;
                for (int c = 0; c < outC; c++) {
                    java.util.Arrays.fill(rowAcc[c], bias[c]);
                }
                for (int fy = 0; fy < filterH; fy++) {
                    int iy = iy0 + fy * dilationH;
                    if (iy < 0 || iy >= inH) {
                        continue;
                    }
                    int rowBase = inOffset + (b * inH + iy) * inW * inC;
                    for (int fx = 0; fx < filterW; fx++) {
                        int[] w = weights[fy * filterW + fx];
                        for (int ic = 0; ic < inC; ic++) {
                            for (int ox = 0; ox < width; ox++) {
                                int ix = ox * strideW - padW + fx * dilationW;
                                // a tap outside the input adds nothing, as in the reference
                                col[ox] = ix >= 0 && ix < inW ? x[rowBase + ix * inC + ic] + inputOffset : 0;
                            }
                            for (int m = 0; m < multiplier; m++) {
                                int c = ic * multiplier + m;
                                int wv = w[c];
                                int[] a = rowAcc[c];
                                for (int ox = 0; ox < width; ox++) {
                                    a[ox] += wv * col[ox];
                                }
                            }
                        }
                    }
                }
                int o = outOffset + ((b * outH + oy) * width) * outC;
                for (int c = 0; c < outC; c++) {
                    requantizer.row(rowAcc[c], width, c, out, o + c, outC);
                }
            }
        }
    }

    private void invokeFloat() {
        final int oc = outC;
        final float[] acc = floatAcc;
        for (int p = 0, base = inOffset; p < floatPixels.length; p++, base += 4 * inC) {
            float[] px = floatPixels[p];
            for (int ic = 0; ic < inC; ic++) {
                float xv = (float) RuntimeTensor.FLOAT.get(in, base + 4 * ic);
                for (int m = 0; m < multiplier; m++) {
                    px[ic * multiplier + m] = xv;
                }
            }
        }
        int o = outOffset;
        for (int b = 0; b < batches; b++) {
            for (int oy = 0; oy < outH; oy++) {
                int iy0 = oy * strideH - padH;
                for (int ox = 0; ox < outW; ox++) {
                    int ix0 = ox * strideW - padW;
                    Arrays.fill(acc, 0f);
                    for (int fy = 0; fy < filterH; fy++) {
                        int iy = iy0 + fy * dilationH;
                        if (iy < 0 || iy >= inH) {
                            continue;
                        }
                        for (int fx = 0; fx < filterW; fx++) {
                            int ix = ix0 + fx * dilationW;
                            if (ix < 0 || ix >= inW) {
                                continue;
                            }
                            float[] px = floatPixels[(b * inH + iy) * inW + ix];
                            float[] w = floatWeights[fy * filterW + fx];
                            for (int c = 0; c < oc; c++) {
                                acc[c] += px[c] * w[c];
                            }
                        }
                    }
                    for (int c = 0; c < oc; c++) {
                        float v = acc[c] + floatBias[c];
                        RuntimeTensor.FLOAT.set(out, o + 4 * c, Math.min(floatMax, Math.max(floatMin, v)));
                    }
                    o += 4 * oc;
                }
            }
        }
    }
}
