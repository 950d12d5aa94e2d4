package dev.berth.model.onnx;

import java.util.Arrays;

/**
 * A tensor's values in row-major order, held in the primitive array that suits its datatype: {@code byte[]} for BOOL
 * (0 or 1), UINT8 and INT8; {@code short[]} for INT16, UINT16 and FP16 (IEEE half-precision bits); {@code int[]} for
 * INT32 and UINT32; {@code long[]} for INT64 and UINT64; {@code float[]}, {@code double[]}; {@code String[]} for BYTES.
 * Unsigned values keep their bits in the signed Java type. The array's length is exactly the element count.
 *
 * <p>For speed the shape and data arrays are not copied: whoever makes a tensor hands them over and does not change
 * them afterwards.
 */
public final class Tensor {
    private final String name;
    private final Datatype datatype;
    private final long[] shape;
    private final Object data;

    public Tensor(String name, Datatype datatype, long[] shape, Object data) {
        this.name = name;
        this.datatype = datatype;
        this.shape = shape;
        this.data = data;
        int length = java.lang.reflect.Array.getLength(data);
        if (length != elementCount(shape)) {
            throw new IllegalArgumentException("tensor '" + name + "' has " + length + " values for shape " + Arrays.toString(shape));
        }
        if (data.getClass() != arrayClass(datatype)) {
            throw new IllegalArgumentException("tensor '" + name + "' of " + datatype + " cannot hold " + data.getClass().getSimpleName());
        }
    }

    public String name() {
        return name;
    }

    public Datatype datatype() {
        return datatype;
    }

    /** The shape; not a copy. */
    public long[] shape() {
        return shape;
    }

    /** The values, an array of the type the class comment gives; not a copy. */
    public Object data() {
        return data;
    }

    public int elementCount() {
        return java.lang.reflect.Array.getLength(data);
    }

    /** The same values under another name. */
    public Tensor renamed(String newName) {
        return new Tensor(newName, datatype, shape, data);
    }

    /** The product of the dimensions, or -1 when it does not fit an int (no Java array can hold it). */
    public static long elementCount(long[] shape) {
        long n = 1;
        for (long d : shape) {
            if (d < 0 || d > Integer.MAX_VALUE) {
                return -1;
            }
            n *= d;
            if (n > Integer.MAX_VALUE) {
                return -1;
            }
        }
        return n;
    }

    /** The Java array class that holds values of a datatype. */
    public static Class<?> arrayClass(Datatype datatype) {
        return switch (datatype) {
            case BOOL, UINT8, INT8 -> byte[].class;
            case INT16, UINT16, FP16 -> short[].class;
            case INT32, UINT32 -> int[].class;
            case INT64, UINT64 -> long[].class;
            case FP32 -> float[].class;
            case FP64 -> double[].class;
            case BYTES -> String[].class;
        };
    }

    /** A new array for {@code count} values of a datatype. */
    public static Object newArray(Datatype datatype, int count) {
        return switch (datatype) {
            case BOOL, UINT8, INT8 -> new byte[count];
            case INT16, UINT16, FP16 -> new short[count];
            case INT32, UINT32 -> new int[count];
            case INT64, UINT64 -> new long[count];
            case FP32 -> new float[count];
            case FP64 -> new double[count];
            case BYTES -> new String[count];
        };
    }

    @Override
    public String toString() {
        return name + " " + datatype + Arrays.toString(shape);
    }
}
