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
    private final byte[] weights;
    private final int[] bias;
    private final int[] acc;
    private final int inputOffset;
    private final int filterOffset;
    private final int outputZeroPoint;
    private final int[] multipliers;
    private final int[] shifts;
    private final int actMin;
    private final int actMax;
    private final float[] floatWeights;
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
            ChannelRequantizer requantizer = ChannelRequantizer.of(context, input, filter, output, outC, 3);
            multipliers = requantizer.multipliers();
            shifts = requantizer.shifts();
            filterOffset = requantizer.filterOffset();
            inputOffset = -input.zeroPoint;
            outputZeroPoint = output.zeroPoint;
            int[] range = activation.quantizedRange(output.scale, output.zeroPoint);
            actMin = range[0];
            actMax = range[1];
            bias = ChannelRequantizer.bias(context, biasTensor, outC);
            weights = filter.data;
            acc = new int[outC];
            floatWeights = null;
            floatBias = null;
            floatAcc = null;
            floatMin = 0;
            floatMax = 0;
        } else {
            context.requireType(output, TensorType.FLOAT32);
            floatWeights = ChannelRequantizer.floatWeights(context, filter, 3);
            floatBias = ChannelRequantizer.floatBias(context, biasTensor, outC);
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
        final int oc = outC;
        final int[] acc = this.acc;
        final byte[] w = weights;
        final byte[] x = in;
        final int inOff = inputOffset;
        final int fOff = filterOffset;
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
                            int inBase = inOffset + ((b * inH + iy) * inW + ix) * inC;
                            int wBase = (fy * filterW + fx) * oc;
                            if (multiplier == 1) {
                                for (int c = 0; c < oc; c++) {
                                    acc[c] += (x[inBase + c] + inOff) * (w[wBase + c] + fOff);
                                }
                            } else {
                                for (int ic = 0; ic < inC; ic++) {
                                    int xv = x[inBase + ic] + inOff;
                                    int first = ic * multiplier;
                                    for (int m = 0; m < multiplier; m++) {
                                        acc[first + m] += xv * (w[wBase + first + m] + fOff);
                                    }
                                }
                            }
                        }
                    }
                    for (int c = 0; c < oc; c++) {
                        int v = QuantMath.multiplyByQuantizedMultiplier(acc[c], multipliers[c], shifts[c])
                                + outputZeroPoint;
                        out[o + c] = (byte) Math.min(actMax, Math.max(actMin, v));
                    }
                    o += oc;
                }
            }
        }
    }

    private void invokeFloat() {
        final int oc = outC;
        final float[] acc = floatAcc;
        final float[] w = floatWeights;
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
                            int inBase = inOffset + 4 * (((b * inH + iy) * inW + ix) * inC);
                            int wBase = (fy * filterW + fx) * oc;
                            for (int ic = 0; ic < inC; ic++) {
                                float xv = (float) RuntimeTensor.FLOAT.get(in, inBase + 4 * ic);
                                int first = ic * multiplier;
                                for (int m = 0; m < multiplier; m++) {
                                    acc[first + m] += xv * w[wBase + first + m];
                                }
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
