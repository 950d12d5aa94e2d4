package dev.berth.tiny.kernels;

import dev.berth.tiny.tflite.TensorType;

/**
 * CONV_2D with TFLM's reference semantics: int8 (per-channel) or legacy uint8 (per-tensor) with int32 bias and
 * fixed-point requantization, or float32. Options: padding 0, stride_w 1, stride_h 2, fused_activation 3,
 * dilation_w 4, dilation_h 5.
 *
 * <p>The filter [out, h, w, in] is re-laid out once as [h, w, in, out] so the innermost loop adds one input value
 * times a row of weights into all output channels' accumulators, a loop the JIT vectorises; the sum per channel is
 * the same integer sum the reference computes (int32 addition wraps identically in any order).
 */
public final class Conv2D implements Kernel {
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
    private final int filterH;
    private final int filterW;
    private final int strideH;
    private final int strideW;
    private final int dilationH;
    private final int dilationW;
    private final int padH;
    private final int padW;
    // int8
    /** Weight rows [h][w][in] -> out channels: a separate array per row lets the JIT vectorise the inner loop. */
    private final int[][] weights;
    private final int[] bias;
    private final int[] acc;
    /**
     * Few output channels make the per-pixel loop over channels too short to vectorise; then each output row is
     * computed pixel-major instead: an im2col block [tap, in channel][x] and accumulators [out channel][x].
     */
    private final boolean pixelMajor;
    /** Output pixels computed together in the pixel-major path: long enough rows to vectorise well. */
    private static final int PIXEL_BLOCK = 128;
    private final int blockRows;
    private final int[][] columns;
    private final int[][] rowAcc;
    private final int[] columnSums;
    private final int[][] weightsByColumn;
    private final int inputOffset;
    private final int filterOffset;
    private final int outputZeroPoint;
    private final int[] multipliers;
    private final int[] shifts;
    private final Requantizer requantizer;
    private final int actMin;
    private final int actMax;
    // float
    private final float[][] floatWeights;
    private final float[] floatBias;
    private final float[] floatAcc;
    private final float[][] floatColumns;
    private final float[][] floatRowAcc;
    private final float floatMin;
    private final float floatMax;

    Conv2D(OpContext context) {
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
        outC = filter.dim(0);
        filterH = filter.dim(1);
        filterW = filter.dim(2);
        if (filter.dim(3) != inC) {
            throw context.unsupported("grouped convolution (" + filter.describe() + " on " + inC + " input channels)");
        }
        if (output.dim(0) != batches || output.dim(3) != outC) {
            throw context.error(output.describe() + " does not match " + input.describe() + " and " + filter.describe());
        }
        int padding = context.optionByte(0, (byte) 0);
        strideW = context.optionInt(1, 1);
        strideH = context.optionInt(2, 1);
        Activation activation = Activation.of(context.optionByte(3, (byte) 0), context);
        dilationW = context.optionInt(4, 1);
        dilationH = context.optionInt(5, 1);
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
            ChannelQuantization scales = ChannelQuantization.of(context, input, filter, output, outC, 0);
            multipliers = scales.multipliers();
            shifts = scales.shifts();
            filterOffset = scales.filterOffset();
            inputOffset = -input.zeroPoint;
            outputZeroPoint = output.zeroPoint;
            int[] range = activation.quantizedRange(output.scale, output.zeroPoint);
            actMin = range[0];
            actMax = range[1];
            bias = ChannelQuantization.bias(context, biasTensor, outC);
            requantizer = new Requantizer(multipliers, shifts, outputZeroPoint, actMin, actMax,
                    Math.max(outC, PIXEL_BLOCK + outW));
            weights = rows(widen(transpose(filter.data, outC, filterH * filterW * inC)), outC);
            acc = new int[outC];
            pixelMajor = outC <= 64 && outH * outW >= 64;
            int k = filterH * filterW * inC;
            blockRows = Math.max(1, Math.min(outH, PIXEL_BLOCK / outW));
            int block = blockRows * outW;
            columns = pixelMajor ? new int[k][block] : null;
            rowAcc = pixelMajor ? new int[outC][block] : null;
            columnSums = pixelMajor ? new int[block] : null;
            weightsByColumn = weights;
            floatWeights = null;
            floatBias = null;
            floatAcc = null;
            floatColumns = null;
            floatRowAcc = null;
            floatMin = 0;
            floatMax = 0;
        } else {
            context.requireType(output, TensorType.FLOAT32);
            floatWeights = rows(transpose(ChannelQuantization.floatWeights(context, filter, 0), outC, filterH * filterW * inC), outC);
            floatBias = ChannelQuantization.floatBias(context, biasTensor, outC);
            floatAcc = new float[outC];
            pixelMajor = outC <= 64 && outH * outW >= 64;
            blockRows = Math.max(1, Math.min(outH, PIXEL_BLOCK / outW));
            floatColumns = pixelMajor ? new float[filterH * filterW * inC][blockRows * outW] : null;
            floatRowAcc = pixelMajor ? new float[outC][blockRows * outW] : null;
            floatMin = activation.floatMin();
            floatMax = activation.floatMax();
            weights = null;
            bias = null;
            acc = null;
            columns = null;
            rowAcc = null;
            columnSums = null;
            weightsByColumn = null;
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

    /** Widened once so the inner loop multiplies ints (the JIT vectorises that better than byte loads). */
    static int[] widen(byte[] values) {
        int[] result = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            result[i] = values[i];
        }
        return result;
    }

    /**
     * Splits a row-major matrix into one array per row. Inner loops then index the accumulators and a weight row
     * with the same index, which C2 can vectorise; with two offsets into arrays of one type it cannot rule out
     * aliasing and stays scalar (measured: 3.3 vs 10.9 GMAC/s).
     */
    static int[][] rows(int[] values, int width) {
        int[][] rows = new int[values.length / width][];
        for (int r = 0; r < rows.length; r++) {
            rows[r] = java.util.Arrays.copyOfRange(values, r * width, (r + 1) * width);
        }
        return rows;
    }

    static float[][] rows(float[] values, int width) {
        float[][] rows = new float[values.length / width][];
        for (int r = 0; r < rows.length; r++) {
            rows[r] = java.util.Arrays.copyOfRange(values, r * width, (r + 1) * width);
        }
        return rows;
    }

    /** [rows][cols] to [cols][rows]. */
    static byte[] transpose(byte[] source, int rows, int cols) {
        byte[] result = new byte[source.length];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                result[c * rows + r] = source[r * cols + c];
            }
        }
        return result;
    }

    static float[] transpose(float[] source, int rows, int cols) {
        float[] result = new float[source.length];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                result[c * rows + r] = source[r * cols + c];
            }
        }
        return result;
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
        final int[][] w = weights;
        final byte[] x = in;
        int o = outOffset;
        for (int b = 0; b < batches; b++) {
            for (int oy = 0; oy < outH; oy++) {
                int iy0 = oy * strideH - padH;
                for (int ox = 0; ox < outW; ox++) {
                    int ix0 = ox * strideW - padW;
                    System.arraycopy(bias, 0, acc, 0, oc);
                    int inputSum = 0;
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
                            int rowBase = (fy * filterW + fx) * inC;
                            for (int ic = 0; ic < inC; ic++) {
                                int xv = x[inBase + ic] + inputOffset;
                                inputSum += xv;
                                int[] row = w[rowBase + ic];
                                for (int c = 0; c < oc; c++) {
                                    acc[c] += xv * row[c];
                                }
                            }
                        }
                    }
                    if (filterOffset != 0) {
                        int correction = filterOffset * inputSum;
                        for (int c = 0; c < oc; c++) {
                            acc[c] += correction;
                        }
                    }
                    requantizer.channels(acc, oc, out, o);
                    o += oc;
                }
            }
        }
    }

    private void invokePixelMajor() {
        final int oc = outC;
        final byte[] x = in;
        for (int b = 0; b < batches; b++) {
            for (int oy0 = 0; oy0 < outH; oy0 += blockRows) {
                int rows = Math.min(blockRows, outH - oy0);
                int width = rows * outW;
                java.util.Arrays.fill(columnSums, 0, width, 0);
                int k = 0;
                for (int fy = 0; fy < filterH; fy++) {
                    for (int fx = 0; fx < filterW; fx++) {
                        for (int ic = 0; ic < inC; ic++, k++) {
                            int[] column = columns[k];
                            int p = 0;
                            for (int r = 0; r < rows; r++) {
                                int iy = (oy0 + r) * strideH - padH + fy * dilationH;
                                boolean rowInside = iy >= 0 && iy < inH;
                                int rowBase = inOffset + (b * inH + iy) * inW * inC + ic;
                                for (int ox = 0; ox < outW; ox++, p++) {
                                    int ix = ox * strideW - padW + fx * dilationW;
                                    // a tap outside the input adds nothing, as in the reference
                                    column[p] = rowInside && ix >= 0 && ix < inW ? x[rowBase + ix * inC] + inputOffset : 0;
                                }
                            }
                            if (filterOffset != 0) {
                                for (int q = 0; q < width; q++) {
                                    columnSums[q] += column[q];
                                }
                            }
                        }
                    }
                }
                for (int c = 0; c < oc; c++) {
                    java.util.Arrays.fill(rowAcc[c], 0, width, bias[c]);
                }
                for (int kk = 0; kk < columns.length; kk++) {
                    int[] column = columns[kk];
                    int[] w = weightsByColumn[kk];
                    for (int c = 0; c < oc; c++) {
                        int wv = w[c];
                        int[] a = rowAcc[c];
                        for (int q = 0; q < width; q++) {
                            a[q] += wv * column[q];
                        }
                    }
                }
                int o = outOffset + ((b * outH + oy0) * outW) * oc;
                for (int c = 0; c < oc; c++) {
                    int[] a = rowAcc[c];
                    if (filterOffset != 0) {
                        for (int q = 0; q < width; q++) {
                            a[q] += filterOffset * columnSums[q];
                        }
                    }
                    requantizer.row(a, width, c, out, o + c, oc);
                }
            }
        }
    }

    private void invokeFloatPixelMajor() {
        final int oc = outC;
        for (int b = 0; b < batches; b++) {
            for (int oy0 = 0; oy0 < outH; oy0 += blockRows) {
                int rows = Math.min(blockRows, outH - oy0);
                int width = rows * outW;
                int k = 0;
                for (int fy = 0; fy < filterH; fy++) {
                    for (int fx = 0; fx < filterW; fx++) {
                        for (int ic = 0; ic < inC; ic++, k++) {
                            float[] column = floatColumns[k];
                            int p = 0;
                            for (int r = 0; r < rows; r++) {
                                int iy = (oy0 + r) * strideH - padH + fy * dilationH;
                                boolean rowInside = iy >= 0 && iy < inH;
                                int rowBase = inOffset + 4 * ((b * inH + iy) * inW * inC + ic);
                                for (int ox = 0; ox < outW; ox++, p++) {
                                    int ix = ox * strideW - padW + fx * dilationW;
                                    column[p] = rowInside && ix >= 0 && ix < inW
                                            ? (float) RuntimeTensor.FLOAT.get(in, rowBase + 4 * ix * inC) : 0f;
                                }
                            }
                        }
                    }
                }
                for (int c = 0; c < oc; c++) {
                    java.util.Arrays.fill(floatRowAcc[c], 0, width, 0f);
                }
                for (int kk = 0; kk < floatColumns.length; kk++) {
                    float[] column = floatColumns[kk];
                    float[] w = floatWeights[kk];
                    for (int c = 0; c < oc; c++) {
                        float wv = w[c];
                        float[] a = floatRowAcc[c];
                        for (int q = 0; q < width; q++) {
                            a[q] += wv * column[q];
                        }
                    }
                }
                int o = outOffset + 4 * ((b * outH + oy0) * outW) * oc;
                for (int q = 0; q < width; q++) {
                    for (int c = 0; c < oc; c++) {
                        float v = floatRowAcc[c][q] + floatBias[c];
                        RuntimeTensor.FLOAT.set(out, o + 4 * (q * oc + c), Math.min(floatMax, Math.max(floatMin, v)));
                    }
                }
            }
        }
    }

    private void invokeFloat() {
        if (pixelMajor) {
            invokeFloatPixelMajor();
            return;
        }
        final int oc = outC;
        final float[] acc = floatAcc;
        final float[][] w = floatWeights;
        int o = outOffset;
        for (int b = 0; b < batches; b++) {
            for (int oy = 0; oy < outH; oy++) {
                int iy0 = oy * strideH - padH;
                for (int ox = 0; ox < outW; ox++) {
                    int ix0 = ox * strideW - padW;
                    java.util.Arrays.fill(acc, 0f);
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
                            int rowBase = (fy * filterW + fx) * inC;
                            for (int ic = 0; ic < inC; ic++) {
                                float xv = (float) RuntimeTensor.FLOAT.get(in, inBase + 4 * ic);
                                float[] row = w[rowBase + ic];
                                for (int c = 0; c < oc; c++) {
                                    acc[c] += xv * row[c];
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
