package dev.berth.tiny.kernels;

import dev.berth.tiny.tflite.TensorType;

import java.util.Arrays;

/**
 * ADD with TFLM's reference semantics and numpy-style broadcasting. Int8/uint8: both inputs are shifted left by
 * 20 bits, rescaled to twice the larger input scale, summed and requantized to the output (all in fixed point).
 * Float32: a + b with the fused activation. Options: fused_activation 0.
 */
public final class Add implements Kernel {
    private static final int LEFT_SHIFT = 20;

    private final boolean quantized;
    private final RuntimeTensor a;
    private final RuntimeTensor b;
    private final byte[] out;
    private final int outOffset;
    private final int count;
    /** Per output element, the element of each input it reads; null when both inputs have the output's shape. */
    private final int[] indexA;
    private final int[] indexB;
    private final int offsetA;
    private final int offsetB;
    private final int outputZeroPoint;
    private final int multiplierA;
    private final int shiftA;
    private final int multiplierB;
    private final int shiftB;
    private final int outputMultiplier;
    private final int outputShift;
    private final int actMin;
    private final int actMax;
    private final float floatMin;
    private final float floatMax;

    Add(OpContext context) {
        context.requireCounts(2, 2, 1);
        a = context.requiredInput(0);
        b = context.requiredInput(1);
        RuntimeTensor output = context.output(0);
        out = output.data;
        outOffset = output.offset;
        count = output.elementCount();
        int[] shape = Broadcast.outputShape(context, a, b);
        if (!Arrays.equals(shape, output.shape) && Broadcast.count(shape) != count) {
            throw context.error(output.describe() + " does not have the broadcast shape " + Arrays.toString(shape));
        }
        boolean same = Arrays.equals(a.shape, b.shape) && a.elementCount() == count;
        indexA = same ? null : Broadcast.indices(a.shape, shape);
        indexB = same ? null : Broadcast.indices(b.shape, shape);
        Activation activation = Activation.of(context.optionByte(0, (byte) 0), context);
        quantized = a.type != TensorType.FLOAT32;
        if (quantized) {
            context.requireType(a, TensorType.INT8, TensorType.UINT8);
            context.requireType(b, a.declaredType);
            context.requireType(output, a.declaredType);
            context.requireQuantized(a);
            context.requireQuantized(b);
            context.requireQuantized(output);
            offsetA = -a.zeroPoint;
            offsetB = -b.zeroPoint;
            outputZeroPoint = output.zeroPoint;
            double twiceMaxInputScale = 2 * Math.max((double) a.scale, (double) b.scale);
            long pa = QuantMath.quantizeMultiplier(a.scale / twiceMaxInputScale);
            long pb = QuantMath.quantizeMultiplier(b.scale / twiceMaxInputScale);
            long po = QuantMath.quantizeMultiplier(twiceMaxInputScale / ((1 << LEFT_SHIFT) * (double) output.scale));
            multiplierA = QuantMath.multiplierOf(pa);
            shiftA = QuantMath.shiftOf(pa);
            multiplierB = QuantMath.multiplierOf(pb);
            shiftB = QuantMath.shiftOf(pb);
            outputMultiplier = QuantMath.multiplierOf(po);
            outputShift = QuantMath.shiftOf(po);
            int[] range = activation.quantizedRange(output.scale, output.zeroPoint);
            actMin = range[0];
            actMax = range[1];
            floatMin = 0;
            floatMax = 0;
        } else {
            context.requireType(a, TensorType.FLOAT32);
            context.requireType(b, TensorType.FLOAT32);
            context.requireType(output, TensorType.FLOAT32);
            offsetA = offsetB = outputZeroPoint = 0;
            multiplierA = shiftA = multiplierB = shiftB = outputMultiplier = outputShift = 0;
            actMin = actMax = 0;
            floatMin = activation.floatMin();
            floatMax = activation.floatMax();
        }
    }

    @Override
    public void invoke() {
        if (quantized) {
            final byte[] da = a.data;
            final byte[] db = b.data;
            for (int i = 0; i < count; i++) {
                int x = da[a.offset + (indexA == null ? i : indexA[i])] + offsetA;
                int y = db[b.offset + (indexB == null ? i : indexB[i])] + offsetB;
                int scaledX = QuantMath.multiplyByQuantizedMultiplier(x * (1 << LEFT_SHIFT), multiplierA, shiftA);
                int scaledY = QuantMath.multiplyByQuantizedMultiplier(y * (1 << LEFT_SHIFT), multiplierB, shiftB);
                int v = QuantMath.multiplyByQuantizedMultiplier(scaledX + scaledY, outputMultiplier, outputShift)
                        + outputZeroPoint;
                out[outOffset + i] = (byte) Math.min(actMax, Math.max(actMin, v));
            }
        } else {
            for (int i = 0; i < count; i++) {
                float v = a.getFloat(indexA == null ? i : indexA[i]) + b.getFloat(indexB == null ? i : indexB[i]);
                RuntimeTensor.FLOAT.set(out, outOffset + 4 * i, Math.min(floatMax, Math.max(floatMin, v)));
            }
        }
    }
}
