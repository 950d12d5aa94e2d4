package dev.berth.tiny.kernels;

import dev.berth.tiny.tflite.TensorType;

import java.util.Arrays;

/**
 * FULLY_CONNECTED with TFLM's reference semantics: int8 (per-tensor or per-channel), legacy uint8, float32, and
 * hybrid models (float activations, int8 weights, dequantized once at prepare). Options: fused_activation 0,
 * weights_format 1 (only DEFAULT), keep_num_dims 2. The filter [out, depth] is re-laid out as [depth, out].
 */
public final class FullyConnected implements Kernel {
    private final boolean quantized;
    private final byte[] in;
    private final int inOffset;
    private final byte[] out;
    private final int outOffset;
    private final int batches;
    private final int depth;
    private final int outC;
    private final int[][] weights;
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
    private final float[] floatBias;
    private final float[] floatAcc;
    private final float floatMin;
    private final float floatMax;

    FullyConnected(OpContext context) {
        context.requireCounts(2, 3, 1);
        RuntimeTensor input = context.requiredInput(0);
        RuntimeTensor filter = context.requiredInput(1);
        RuntimeTensor biasTensor = context.input(2);
        RuntimeTensor output = context.output(0);
        context.requireRank(filter, 2);
        context.requireConstant(filter, "filter");
        if (context.optionByte(1, (byte) 0) != 0) {
            throw context.unsupported("shuffled weights format");
        }
        Activation activation = Activation.of(context.optionByte(0, (byte) 0), context);
        outC = filter.dim(0);
        depth = filter.dim(1);
        if (depth == 0 || input.elementCount() % depth != 0) {
            throw context.error(input.describe() + " cannot be split into rows of " + depth);
        }
        batches = input.elementCount() / depth;
        if (output.elementCount() != batches * outC) {
            throw context.error(output.describe() + " should hold " + batches + " x " + outC + " values");
        }
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
            requantizer = new Requantizer(multipliers, shifts, outputZeroPoint, actMin, actMax, outC);
            weights = Conv2D.rows(Conv2D.widen(Conv2D.transpose(filter.data, outC, depth)), outC);
            acc = new int[outC];
            floatWeights = null;
            floatBias = null;
            floatAcc = null;
            floatMin = 0;
            floatMax = 0;
        } else {
            context.requireType(output, TensorType.FLOAT32);
            floatWeights = Conv2D.rows(Conv2D.transpose(ChannelQuantization.floatWeights(context, filter, 0), outC, depth), outC);
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
        final int oc = outC;
        final int[] acc = this.acc;
        final int[][] w = weights;
        final byte[] x = in;
        for (int b = 0; b < batches; b++) {
            System.arraycopy(bias, 0, acc, 0, oc);
            int inBase = inOffset + b * depth;
            int inputSum = 0;
            for (int d = 0; d < depth; d++) {
                int xv = x[inBase + d] + inputOffset;
                inputSum += xv;
                int[] row = w[d];
                for (int c = 0; c < oc; c++) {
                    acc[c] += xv * row[c];
                }
            }
            if (filterOffset != 0) {
                int correction = filterOffset * inputSum;
                for (int c = 0; c < oc; c++) {
                    acc[c] += correction;
                }
            }
            requantizer.channels(acc, oc, out, outOffset + b * oc);
        }
    }

    private void invokeFloat() {
        final int oc = outC;
        final float[] acc = floatAcc;
        final float[][] w = floatWeights;
        for (int b = 0; b < batches; b++) {
            Arrays.fill(acc, 0f);
            int inBase = inOffset + 4 * b * depth;
            for (int d = 0; d < depth; d++) {
                float xv = (float) RuntimeTensor.FLOAT.get(in, inBase + 4 * d);
                float[] row = w[d];
                for (int c = 0; c < oc; c++) {
                    acc[c] += xv * row[c];
                }
            }
            int o = outOffset + 4 * b * oc;
            for (int c = 0; c < oc; c++) {
                float v = acc[c] + floatBias[c];
                RuntimeTensor.FLOAT.set(out, o + 4 * c, Math.min(floatMax, Math.max(floatMin, v)));
            }
        }
    }
}
