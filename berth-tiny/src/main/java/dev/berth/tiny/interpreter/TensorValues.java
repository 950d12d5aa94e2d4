package dev.berth.tiny.interpreter;

import dev.berth.tiny.TinyException;
import dev.berth.tiny.kernels.QuantMath;
import dev.berth.tiny.kernels.RuntimeTensor;
import dev.berth.tiny.tflite.TensorType;

/** Moves values between Java arrays and tensors, quantizing and dequantizing on the way (outside invoke). */
final class TensorValues {
    private TensorValues() {
    }

    static void write(RuntimeTensor t, float[] values) {
        checkCount(t, values.length);
        switch (t.type) {
            case FLOAT32 -> {
                for (int i = 0; i < values.length; i++) {
                    t.setFloat(i, values[i]);
                }
            }
            case INT8, INT16 -> {
                if (!t.quantization.isPresent()) {
                    throw new TinyException(t.describe() + " has no quantization parameters; give quantized values");
                }
                int min = t.type == TensorType.INT8 ? -128 : Short.MIN_VALUE;
                int max = t.type == TensorType.INT8 ? 127 : Short.MAX_VALUE;
                for (int i = 0; i < values.length; i++) {
                    long q = (long) QuantMath.roundHalfAwayFromZero(values[i] / t.scale) + t.zeroPoint;
                    int clamped = (int) Math.min(max, Math.max(min, q));
                    if (t.type == TensorType.INT8) {
                        t.data[t.offset + i] = (byte) clamped;
                    } else {
                        t.setInt16(i, (short) clamped);
                    }
                }
            }
            case INT32 -> {
                for (int i = 0; i < values.length; i++) {
                    t.setInt32(i, Math.round(values[i]));
                }
            }
            default -> throw new TinyException(t.describe() + ": cannot write values of this type");
        }
    }

    static void writeQuantized(RuntimeTensor t, int[] values) {
        checkCount(t, values.length);
        int shift = t.declaredType == TensorType.UINT8 ? 128 : 0;
        int[] range = switch (t.declaredType) {
            case INT8 -> new int[] {-128, 127};
            case UINT8 -> new int[] {0, 255};
            case INT16 -> new int[] {Short.MIN_VALUE, Short.MAX_VALUE};
            case INT32 -> new int[] {Integer.MIN_VALUE, Integer.MAX_VALUE};
            case UINT32 -> new int[] {0, Integer.MAX_VALUE};
            default -> throw new TinyException(t.describe() + " is not an integer tensor");
        };
        for (int i = 0; i < values.length; i++) {
            if (values[i] < range[0] || values[i] > range[1]) {
                throw new TinyException("value " + values[i] + " at " + i + " is out of range for " + t.describe());
            }
            switch (t.type) {
                case INT8 -> t.data[t.offset + i] = (byte) (values[i] - shift);
                case INT16 -> t.setInt16(i, (short) values[i]);
                default -> t.setInt32(i, values[i]);
            }
        }
    }

    static float[] read(RuntimeTensor t) {
        int n = t.elementCount();
        float[] values = new float[n];
        switch (t.type) {
            case FLOAT32 -> {
                return t.toFloatArray();
            }
            case INT8, INT16 -> {
                for (int i = 0; i < n; i++) {
                    int q = t.type == TensorType.INT8 ? t.data[t.offset + i] : t.getInt16(i);
                    values[i] = t.quantization.isPresent() ? (float) ((double) t.scale * (q - t.zeroPoint)) : q;
                }
            }
            case INT32 -> {
                for (int i = 0; i < n; i++) {
                    values[i] = t.getInt32(i);
                }
            }
            default -> throw new TinyException(t.describe() + ": cannot read values of this type");
        }
        return values;
    }

    static int[] readQuantized(RuntimeTensor t) {
        int[] values = t.toIntArray();
        if (t.declaredType == TensorType.UINT8) {
            for (int i = 0; i < values.length; i++) {
                values[i] += 128;
            }
        }
        return values;
    }

    private static void checkCount(RuntimeTensor t, int count) {
        if (count != t.elementCount()) {
            throw new TinyException(t.describe() + " holds " + t.elementCount() + " values, got " + count);
        }
    }
}
