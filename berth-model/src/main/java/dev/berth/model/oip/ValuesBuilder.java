package dev.berth.model.oip;

import dev.berth.model.onnx.Datatype;
import dev.berth.model.onnx.Tensor;
import java.util.Arrays;

/** Collects a tensor's values into the primitive array of its datatype while the JSON is read. */
final class ValuesBuilder {
    private final Datatype datatype;
    private Object array;
    private int capacity;
    private int count;

    ValuesBuilder(Datatype datatype, int initialCapacity) {
        this.datatype = datatype;
        this.capacity = Math.max(4, initialCapacity);
        this.array = Tensor.newArray(datatype, capacity);
    }

    int count() {
        return count;
    }

    private void grow() {
        if (count == capacity) {
            capacity = (int) Math.min(Integer.MAX_VALUE - 8, capacity * 2L);
            array = switch (array) {
                case byte[] a -> Arrays.copyOf(a, capacity);
                case short[] a -> Arrays.copyOf(a, capacity);
                case int[] a -> Arrays.copyOf(a, capacity);
                case long[] a -> Arrays.copyOf(a, capacity);
                case float[] a -> Arrays.copyOf(a, capacity);
                case double[] a -> Arrays.copyOf(a, capacity);
                case String[] a -> Arrays.copyOf(a, capacity);
                default -> throw new IllegalStateException(array.getClass().getName());
            };
        }
    }

    /** An integer already checked to fit the datatype (unsigned ones as their bits); a boolean as 0 or 1. */
    void addInteger(long v) {
        grow();
        switch (datatype) {
            case BOOL, UINT8, INT8 -> ((byte[]) array)[count++] = (byte) v;
            case INT16, UINT16, FP16 -> ((short[]) array)[count++] = (short) v;
            case INT32, UINT32 -> ((int[]) array)[count++] = (int) v;
            case INT64, UINT64 -> ((long[]) array)[count++] = v;
            default -> throw new IllegalStateException(datatype.name());
        }
    }

    void addFloat(float v) {
        grow();
        ((float[]) array)[count++] = v;
    }

    void addDouble(double v) {
        grow();
        ((double[]) array)[count++] = v;
    }

    void addString(String v) {
        grow();
        ((String[]) array)[count++] = v;
    }

    /** The values, in an array of exactly their number. */
    Object finish() {
        if (count == capacity) {
            return array;
        }
        return switch (array) {
            case byte[] a -> Arrays.copyOf(a, count);
            case short[] a -> Arrays.copyOf(a, count);
            case int[] a -> Arrays.copyOf(a, count);
            case long[] a -> Arrays.copyOf(a, count);
            case float[] a -> Arrays.copyOf(a, count);
            case double[] a -> Arrays.copyOf(a, count);
            case String[] a -> Arrays.copyOf(a, count);
            default -> throw new IllegalStateException(array.getClass().getName());
        };
    }
}
