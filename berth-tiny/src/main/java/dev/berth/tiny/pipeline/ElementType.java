package dev.berth.tiny.pipeline;

import dev.berth.tiny.TinyException;
import dev.berth.tiny.tflite.TensorType;

import java.util.Locale;

/** The element types a pipeline tensor can have, spelled as in Rune's Runefile ({@code F32}, {@code u8}, {@code UTF8}). */
public enum ElementType {
    U8(1), I8(1), U16(2), I16(2), U32(4), I32(4), U64(8), I64(8), F32(4), F64(8), UTF8(0);

    private final int bytes;

    ElementType(int bytes) {
        this.bytes = bytes;
    }

    /** Bytes per element; 0 for UTF8, whose elements are strings. */
    public int bytes() {
        return bytes;
    }

    public boolean isFloat() {
        return this == F32 || this == F64;
    }

    public boolean isNumeric() {
        return this != UTF8;
    }

    public static ElementType parse(String word, String where) {
        try {
            return valueOf(word.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new TinyException(where + ": unknown element type '" + word + "' (known: U8, I8, U16, I16, U32, I32, "
                    + "U64, I64, F32, F64, UTF8)");
        }
    }

    /** The pipeline type that carries a TensorFlow Lite tensor of this type, or null if none does. */
    public static ElementType ofTflite(TensorType type) {
        return switch (type) {
            case UINT8 -> U8;
            case INT8 -> I8;
            case INT16 -> I16;
            case UINT16 -> U16;
            case INT32 -> I32;
            case UINT32 -> U32;
            case INT64 -> I64;
            case UINT64 -> U64;
            case FLOAT32 -> F32;
            case FLOAT64 -> F64;
            default -> null;
        };
    }

    /** The range of integer values the type holds; floats are unbounded. */
    public double min() {
        return switch (this) {
            case I8 -> Byte.MIN_VALUE;
            case I16 -> Short.MIN_VALUE;
            case I32 -> Integer.MIN_VALUE;
            case I64 -> Long.MIN_VALUE;
            case F32, F64 -> Double.NEGATIVE_INFINITY;
            default -> 0;
        };
    }

    public double max() {
        return switch (this) {
            case U8 -> 255;
            case I8 -> Byte.MAX_VALUE;
            case U16 -> 65535;
            case I16 -> Short.MAX_VALUE;
            case U32 -> 4294967295.0;
            case I32 -> Integer.MAX_VALUE;
            case U64, I64 -> Long.MAX_VALUE;
            default -> Double.POSITIVE_INFINITY;
        };
    }

    @Override
    public String toString() {
        return name();
    }
}
