package dev.berth.tiny.kernels;

import dev.berth.tiny.tflite.TensorType;

/**
 * CAST between integer types and float32, as a C static_cast: integers are truncated to the narrower width
 * (wrapping), unsigned 32-bit values keep their bits in int32, floats are truncated toward zero.
 */
public final class Cast implements Kernel {
    private final RuntimeTensor in;
    private final RuntimeTensor out;
    private final int count;

    Cast(OpContext context) {
        context.requireCounts(1, 1, 1);
        in = context.requiredInput(0);
        out = context.output(0);
        TensorType[] types = {TensorType.INT8, TensorType.UINT8, TensorType.INT16, TensorType.INT32, TensorType.UINT32,
            TensorType.FLOAT32, TensorType.BOOL};
        context.requireType(in, types);
        context.requireType(out, types);
        if (in.elementCount() != out.elementCount()) {
            throw context.error(in.describe() + " and " + out.describe() + " differ in size");
        }
        count = in.elementCount();
    }

    @Override
    public void invoke() {
        for (int i = 0; i < count; i++) {
            if (in.declaredType == TensorType.FLOAT32) {
                float value = in.getFloat(i);
                if (out.declaredType == TensorType.FLOAT32) {
                    out.setFloat(i, value);
                } else {
                    store(i, (long) value);
                }
            } else {
                long value = load(i);
                if (out.declaredType == TensorType.FLOAT32) {
                    out.setFloat(i, (float) value);
                } else {
                    store(i, value);
                }
            }
        }
    }

    private long load(int i) {
        return switch (in.declaredType) {
            case INT8 -> in.data[in.offset + i];
            case UINT8, BOOL -> in.data[in.offset + i] & 0xff;
            case INT16 -> in.getInt16(i);
            case INT32 -> in.getInt32(i);
            default -> Integer.toUnsignedLong(in.getInt32(i)); // UINT32
        };
    }

    private void store(int i, long value) {
        switch (out.declaredType) {
            case INT8, UINT8 -> out.data[out.offset + i] = (byte) value;
            case BOOL -> out.data[out.offset + i] = (byte) (value != 0 ? 1 : 0);
            case INT16 -> out.setInt16(i, (short) value);
            default -> out.setInt32(i, (int) value); // INT32, UINT32
        }
    }
}
