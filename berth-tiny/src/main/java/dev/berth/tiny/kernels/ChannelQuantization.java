package dev.berth.tiny.kernels;

import dev.berth.tiny.tflite.TensorType;

/**
 * Per-output-channel requantization of a convolution's int32 accumulators: multiplier and shift for
 * input_scale * filter_scale[c] / output_scale, computed in double as TFLM does.
 */
record ChannelQuantization(int[] multipliers, int[] shifts, int filterOffset) {

    static ChannelQuantization of(OpContext context, RuntimeTensor input, RuntimeTensor filter, RuntimeTensor output,
                                 int channels, int channelDimension) {
        context.requireQuantized(input);
        context.requireQuantized(filter);
        context.requireQuantized(output);
        float[] scales = filter.quantization.scales();
        int[] zeroPoints = filter.quantization.zeroPoints();
        if (scales.length != 1 && scales.length != channels) {
            throw context.error(filter.describe() + " has " + scales.length + " scales for " + channels + " channels");
        }
        if (scales.length > 1 && filter.quantization.quantizedDimension() != channelDimension) {
            throw context.unsupported(filter.describe() + " is quantized along dimension "
                    + filter.quantization.quantizedDimension() + ", expected " + channelDimension);
        }
        int filterOffset = -filter.zeroPoint;
        if (scales.length > 1) {
            for (int zp : zeroPoints) {
                if (zp != 0) {
                    throw context.unsupported(filter.describe() + " is per-channel quantized with a zero point of "
                            + zp + "; per-channel filters must be symmetric");
                }
            }
        } else if (filter.declaredType == TensorType.INT8 && filterOffset != 0) {
            throw context.unsupported(filter.describe() + " is int8 with zero point " + filter.zeroPoint
                    + "; int8 filters must be symmetric");
        }
        int[] multipliers = new int[channels];
        int[] shifts = new int[channels];
        for (int c = 0; c < channels; c++) {
            double filterScale = scales[scales.length == 1 ? 0 : c];
            double effective = (double) input.scale * filterScale / (double) output.scale;
            long packed = QuantMath.quantizeMultiplier(effective);
            multipliers[c] = QuantMath.multiplierOf(packed);
            shifts[c] = QuantMath.shiftOf(packed);
        }
        return new ChannelQuantization(multipliers, shifts, filterOffset);
    }

    /** The int32 bias, or zeros when the operator has none. */
    static int[] bias(OpContext context, RuntimeTensor bias, int channels) {
        if (bias == null) {
            return new int[channels];
        }
        context.requireConstant(bias, "bias");
        context.requireType(bias, TensorType.INT32);
        if (bias.elementCount() != channels) {
            throw context.error(bias.describe() + " has " + bias.elementCount() + " values for " + channels + " channels");
        }
        return bias.toIntArray();
    }

    static float[] floatBias(OpContext context, RuntimeTensor bias, int channels) {
        if (bias == null) {
            return new float[channels];
        }
        context.requireConstant(bias, "bias");
        context.requireType(bias, TensorType.FLOAT32);
        if (bias.elementCount() != channels) {
            throw context.error(bias.describe() + " has " + bias.elementCount() + " values for " + channels + " channels");
        }
        return bias.toFloatArray();
    }

    /**
     * A constant float weight tensor's values; int8 weights of a "hybrid" model (float activations, int8
     * weights) are dequantized once here, so the float kernel runs on them.
     */
    static float[] floatWeights(OpContext context, RuntimeTensor weights, int channelDimension) {
        context.requireConstant(weights, "weights");
        if (weights.type == TensorType.FLOAT32) {
            return weights.toFloatArray();
        }
        context.requireType(weights, TensorType.FLOAT32, TensorType.INT8, TensorType.UINT8);
        context.requireQuantized(weights);
        float[] scales = weights.quantization.scales();
        int[] zeroPoints = weights.quantization.zeroPoints();
        int[] shape = weights.shape;
        int inner = 1;
        for (int d = channelDimension + 1; d < shape.length; d++) {
            inner *= shape[d];
        }
        int channels = shape[channelDimension];
        float[] values = new float[weights.elementCount()];
        for (int i = 0; i < values.length; i++) {
            int c = scales.length == 1 ? 0 : (i / inner) % channels;
            values[i] = (float) ((double) scales[c] * (weights.data[i] - zeroPoints[c]));
        }
        return values;
    }
}
