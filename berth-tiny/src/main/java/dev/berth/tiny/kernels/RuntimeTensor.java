package dev.berth.tiny.kernels;

import dev.berth.tiny.tflite.Quantization;
import dev.berth.tiny.tflite.TensorSpec;
import dev.berth.tiny.tflite.TensorType;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * A tensor bound to its storage: a slice of the arena for tensors computed at run time, or the model's own bytes
 * for constants (weights stay where they are, as they stay in flash on a device).
 *
 * <p>UINT8 tensors of older asymmetric models are stored as INT8 with 128 subtracted from every value and from the
 * zero point; (q - 128) - (zp - 128) = q - zp, so every kernel computes exactly what the uint8 kernel would, and
 * {@link #declaredType} tells the caller to add 128 back on the way out.
 */
public final class RuntimeTensor {
    static final VarHandle FLOAT = MethodHandles.byteArrayViewVarHandle(float[].class, ByteOrder.LITTLE_ENDIAN);
    static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    static final VarHandle SHORT = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    public final TensorSpec spec;
    /** The type the model declares (UINT8 for legacy models). */
    public final TensorType declaredType;
    /** The type the bytes are stored as (INT8 where the model says UINT8). */
    public final TensorType type;
    public final int[] shape;
    public final byte[] data;
    public final int offset;
    public final int byteSize;
    /** Per-tensor scale and zero point in the storage domain; zero when not quantized. */
    public final float scale;
    public final int zeroPoint;
    public final Quantization quantization;

    public RuntimeTensor(TensorSpec spec, byte[] data, int offset) {
        this.spec = spec;
        this.declaredType = spec.type();
        boolean shifted = spec.type() == TensorType.UINT8;
        this.type = shifted ? TensorType.INT8 : spec.type();
        this.shape = spec.shape().clone();
        this.byteSize = spec.byteSize();
        Quantization q = spec.quantization();
        if (shifted && q.isPresent()) {
            int[] zps = q.zeroPoints().clone();
            for (int i = 0; i < zps.length; i++) {
                zps[i] -= 128;
            }
            q = new Quantization(q.scales(), zps, q.quantizedDimension());
        }
        this.quantization = q;
        this.scale = q.scale();
        this.zeroPoint = q.zeroPoint();
        if (spec.isConstant() && shifted) {
            byte[] copy = spec.data().clone();
            for (int i = 0; i < copy.length; i++) {
                copy[i] ^= (byte) 0x80;
            }
            this.data = copy;
            this.offset = 0;
        } else {
            this.data = spec.isConstant() ? spec.data() : data;
            this.offset = spec.isConstant() ? 0 : offset;
        }
    }

    public boolean isConstant() {
        return spec.isConstant();
    }

    public int elementCount() {
        return byteSize / type.bytes();
    }

    public int rank() {
        return shape.length;
    }

    /** Size of dimension {@code i}, counting from the end when negative. */
    public int dim(int i) {
        return shape[i < 0 ? shape.length + i : i];
    }

    public String describe() {
        return spec.describe();
    }

    public float getFloat(int index) {
        return (float) FLOAT.get(data, offset + 4 * index);
    }

    public void setFloat(int index, float value) {
        FLOAT.set(data, offset + 4 * index, value);
    }

    public int getInt32(int index) {
        return (int) INT.get(data, offset + 4 * index);
    }

    public void setInt32(int index, int value) {
        INT.set(data, offset + 4 * index, value);
    }

    public short getInt16(int index) {
        return (short) SHORT.get(data, offset + 2 * index);
    }

    public void setInt16(int index, short value) {
        SHORT.set(data, offset + 2 * index, value);
    }

    public long getInt64(int index) {
        return (long) LONG.get(data, offset + 8 * index);
    }

    /**
     * Copies the tensor's values into a new int array (any integer type; uint32 values keep their bits, so those
     * above 2^31 - 1 read negative). Not for use inside invoke.
     */
    public int[] toIntArray() {
        int[] values = new int[elementCount()];
        for (int i = 0; i < values.length; i++) {
            values[i] = switch (type) {
                case INT8 -> data[offset + i];
                case UINT8, BOOL -> data[offset + i] & 0xff;
                case INT16 -> getInt16(i);
                case INT32, UINT32 -> getInt32(i);
                case INT64 -> Math.toIntExact(getInt64(i));
                default -> throw new IllegalStateException(describe() + " is not an integer tensor");
            };
        }
        return values;
    }

    /** Copies a float32 tensor's values into a new array. Not for use inside invoke. */
    public float[] toFloatArray() {
        float[] values = new float[elementCount()];
        for (int i = 0; i < values.length; i++) {
            values[i] = getFloat(i);
        }
        return values;
    }
}
