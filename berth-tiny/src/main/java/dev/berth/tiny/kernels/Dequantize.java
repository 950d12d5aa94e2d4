package dev.berth.tiny.kernels;

import dev.berth.tiny.tflite.TensorType;

/** DEQUANTIZE: int8/uint8/int16 to float32, x = (float) (scale * (q - zero point)) with the scale in double. */
public final class Dequantize implements Kernel {
    private final RuntimeTensor input;
    private final RuntimeTensor output;
    private final int count;
    private final double scale;
    private final int zeroPoint;

    Dequantize(OpContext context) {
        context.requireCounts(1, 1, 1);
        input = context.requiredInput(0);
        output = context.output(0);
        context.requireType(input, TensorType.INT8, TensorType.UINT8, TensorType.INT16);
        context.requireType(output, TensorType.FLOAT32);
        context.requireQuantized(input);
        if (input.quantization.isPerChannel()) {
            throw context.unsupported("per-channel quantization of " + input.describe());
        }
        if (input.elementCount() != output.elementCount()) {
            throw context.error(input.describe() + " and " + output.describe() + " differ in size");
        }
        count = input.elementCount();
        scale = input.scale;
        zeroPoint = input.zeroPoint;
    }

    @Override
    public void invoke() {
        boolean wide = input.type == TensorType.INT16;
        for (int i = 0; i < count; i++) {
            int q = wide ? input.getInt16(i) : input.data[input.offset + i];
            output.setFloat(i, (float) (scale * (q - zeroPoint)));
        }
    }
}
