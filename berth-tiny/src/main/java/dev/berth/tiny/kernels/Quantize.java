package dev.berth.tiny.kernels;

import dev.berth.tiny.tflite.TensorType;

/**
 * QUANTIZE: float32 to int8/uint8/int16 (q = round(x / scale) + zero point, clamped), or an int8/uint8 tensor
 * requantized to another scale and zero point with the fixed-point multiplier, as TFLM's reference does.
 */
public final class Quantize implements Kernel {
    private final RuntimeTensor input;
    private final RuntimeTensor output;
    private final boolean fromFloat;
    private final int count;
    private final int qmin;
    private final int qmax;
    private final int multiplier;
    private final int shift;

    Quantize(OpContext context) {
        context.requireCounts(1, 1, 1);
        input = context.requiredInput(0);
        output = context.output(0);
        if (input.elementCount() != output.elementCount()) {
            throw context.error(input.describe() + " and " + output.describe() + " differ in size");
        }
        count = output.elementCount();
        context.requireQuantized(output);
        if (output.quantization.isPerChannel()) {
            throw context.unsupported("per-channel quantization of " + output.describe());
        }
        fromFloat = input.type == TensorType.FLOAT32;
        if (fromFloat) {
            context.requireType(output, TensorType.INT8, TensorType.UINT8, TensorType.INT16);
            multiplier = 0;
            shift = 0;
        } else {
            context.requireType(input, TensorType.INT8, TensorType.UINT8);
            context.requireType(output, TensorType.INT8, TensorType.UINT8);
            context.requireQuantized(input);
            long packed = QuantMath.quantizeMultiplier((double) input.scale / (double) output.scale);
            multiplier = QuantMath.multiplierOf(packed);
            shift = QuantMath.shiftOf(packed);
        }
        if (output.type == TensorType.INT16) {
            qmin = Short.MIN_VALUE;
            qmax = Short.MAX_VALUE;
        } else {
            qmin = -128;
            qmax = 127;
        }
    }

    @Override
    public void invoke() {
        final byte[] out = output.data;
        final int o = output.offset;
        final int zeroPoint = output.zeroPoint;
        if (fromFloat) {
            final float scale = output.scale;
            for (int i = 0; i < count; i++) {
                int q = QuantMath.roundHalfAwayFromZero(input.getFloat(i) / scale) + zeroPoint;
                q = Math.min(qmax, Math.max(qmin, q));
                if (output.type == TensorType.INT16) {
                    output.setInt16(i, (short) q);
                } else {
                    out[o + i] = (byte) q;
                }
            }
        } else {
            final byte[] in = input.data;
            final int inZeroPoint = input.zeroPoint;
            for (int i = 0; i < count; i++) {
                int q = QuantMath.multiplyByQuantizedMultiplier(in[input.offset + i] - inZeroPoint, multiplier, shift)
                        + zeroPoint;
                out[o + i] = (byte) Math.min(qmax, Math.max(qmin, q));
            }
        }
    }
}
