package dev.berth.tiny.kernels;

import dev.berth.tiny.tflite.TensorType;

/**
 * AVERAGE_POOL_2D and MAX_POOL_2D with TFLM's reference semantics: the window is clipped to the input (padding
 * never counts), the int8 average rounds half away from zero, input and output share scale and zero point.
 * Options: padding 0, stride_w 1, stride_h 2, filter_width 3, filter_height 4, fused_activation 5.
 */
public final class Pool2D implements Kernel {
    private final boolean average;
    private final boolean quantized;
    /** 128 for legacy uint8 tensors (stored shifted), so averages round as the uint8 kernel rounds. */
    private final int valueShift;
    private final byte[] in;
    private final int inOffset;
    private final byte[] out;
    private final int outOffset;
    private final int batches;
    private final int inH;
    private final int inW;
    private final int channels;
    private final int outH;
    private final int outW;
    private final int filterH;
    private final int filterW;
    private final int strideH;
    private final int strideW;
    private final int padH;
    private final int padW;
    private final int actMin;
    private final int actMax;
    private final float floatMin;
    private final float floatMax;
    private final int[] acc;
    private final float[] floatAcc;

    Pool2D(OpContext context, boolean average) {
        this.average = average;
        context.requireCounts(1, 1, 1);
        RuntimeTensor input = context.requiredInput(0);
        RuntimeTensor output = context.output(0);
        context.requireRank(input, 4);
        context.requireRank(output, 4);
        batches = input.dim(0);
        inH = input.dim(1);
        inW = input.dim(2);
        channels = input.dim(3);
        if (output.dim(0) != batches || output.dim(3) != channels) {
            throw context.error(output.describe() + " does not match " + input.describe());
        }
        int padding = context.optionByte(0, (byte) 0);
        strideW = context.optionInt(1, 1);
        strideH = context.optionInt(2, 1);
        filterW = context.optionInt(3, 1);
        filterH = context.optionInt(4, 1);
        Activation activation = Activation.of(context.optionByte(5, (byte) 0), context);
        ConvGeometry gh = ConvGeometry.check(context, "height", padding, inH, filterH, strideH, 1, output.dim(1));
        ConvGeometry gw = ConvGeometry.check(context, "width", padding, inW, filterW, strideW, 1, output.dim(2));
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
            context.requireType(output, input.declaredType);
            if (input.scale != output.scale || input.zeroPoint != output.zeroPoint) {
                throw context.unsupported("input and output quantization differ (" + input.scale + "/" + input.zeroPoint
                        + " vs " + output.scale + "/" + output.zeroPoint + ")");
            }
            valueShift = input.declaredType == TensorType.UINT8 ? 128 : 0;
            int[] range = activation.quantizedRange(output.scale, output.zeroPoint);
            actMin = range[0];
            actMax = range[1];
            acc = new int[channels];
            floatAcc = null;
            floatMin = 0;
            floatMax = 0;
        } else {
            context.requireType(output, TensorType.FLOAT32);
            valueShift = 0;
            actMin = 0;
            actMax = 0;
            acc = null;
            floatAcc = new float[channels];
            floatMin = activation.floatMin();
            floatMax = activation.floatMax();
        }
    }

    @Override
    public void invoke() {
        int o = outOffset;
        for (int b = 0; b < batches; b++) {
            for (int oy = 0; oy < outH; oy++) {
                int iy0 = oy * strideH - padH;
                int fyStart = Math.max(0, -iy0);
                int fyEnd = Math.min(filterH, inH - iy0);
                for (int ox = 0; ox < outW; ox++) {
                    int ix0 = ox * strideW - padW;
                    int fxStart = Math.max(0, -ix0);
                    int fxEnd = Math.min(filterW, inW - ix0);
                    int count = Math.max(0, fyEnd - fyStart) * Math.max(0, fxEnd - fxStart);
                    if (quantized) {
                        pooledQuantized(b, iy0, ix0, fyStart, fyEnd, fxStart, fxEnd, count, o);
                        o += channels;
                    } else {
                        pooledFloat(b, iy0, ix0, fyStart, fyEnd, fxStart, fxEnd, count, o);
                        o += 4 * channels;
                    }
                }
            }
        }
    }

    private void pooledQuantized(int b, int iy0, int ix0, int fyStart, int fyEnd, int fxStart, int fxEnd, int count,
                                 int o) {
        final int[] acc = this.acc;
        final byte[] x = in;
        java.util.Arrays.fill(acc, average ? 0 : Integer.MIN_VALUE);
        for (int fy = fyStart; fy < fyEnd; fy++) {
            for (int fx = fxStart; fx < fxEnd; fx++) {
                int base = inOffset + ((b * inH + iy0 + fy) * inW + ix0 + fx) * channels;
                if (average) {
                    for (int c = 0; c < channels; c++) {
                        acc[c] += x[base + c];
                    }
                } else {
                    for (int c = 0; c < channels; c++) {
                        acc[c] = Math.max(acc[c], x[base + c]);
                    }
                }
            }
        }
        for (int c = 0; c < channels; c++) {
            int v;
            if (average) {
                int sum = acc[c] + valueShift * count;
                v = (sum > 0 ? (sum + count / 2) / count : (sum - count / 2) / count) - valueShift;
            } else {
                v = acc[c];
            }
            out[o + c] = (byte) Math.min(actMax, Math.max(actMin, v));
        }
    }

    private void pooledFloat(int b, int iy0, int ix0, int fyStart, int fyEnd, int fxStart, int fxEnd, int count,
                             int o) {
        final float[] acc = floatAcc;
        java.util.Arrays.fill(acc, average ? 0f : Float.NEGATIVE_INFINITY);
        for (int fy = fyStart; fy < fyEnd; fy++) {
            for (int fx = fxStart; fx < fxEnd; fx++) {
                int base = inOffset + 4 * (((b * inH + iy0 + fy) * inW + ix0 + fx) * channels);
                for (int c = 0; c < channels; c++) {
                    float v = (float) RuntimeTensor.FLOAT.get(in, base + 4 * c);
                    acc[c] = average ? acc[c] + v : Math.max(acc[c], v);
                }
            }
        }
        for (int c = 0; c < channels; c++) {
            float v = average ? acc[c] / count : acc[c];
            RuntimeTensor.FLOAT.set(out, o + 4 * c, Math.min(floatMax, Math.max(floatMin, v)));
        }
    }
}
