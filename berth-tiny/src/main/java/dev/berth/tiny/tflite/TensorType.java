package dev.berth.tiny.tflite;

import dev.berth.tiny.TinyException;

/** The element types of the TensorFlow Lite schema, with their codes and sizes in bytes. */
public enum TensorType {
    FLOAT32(0, 4), FLOAT16(1, 2), INT32(2, 4), UINT8(3, 1), INT64(4, 8), STRING(5, 1), BOOL(6, 1), INT16(7, 2),
    COMPLEX64(8, 8), INT8(9, 1), FLOAT64(10, 8), COMPLEX128(11, 16), UINT64(12, 8), RESOURCE(13, 1),
    VARIANT(14, 1), UINT32(15, 4), UINT16(16, 2), INT4(17, 1);

    private static final TensorType[] BY_CODE = values();

    private final int code;
    private final int bytes;

    TensorType(int code, int bytes) {
        this.code = code;
        this.bytes = bytes;
    }

    public int code() {
        return code;
    }

    /** Size of one element in bytes. */
    public int bytes() {
        return bytes;
    }

    public static TensorType fromCode(int code) {
        if (code < 0 || code >= BY_CODE.length) {
            throw new TinyException("unknown tensor type code " + code + " in the model");
        }
        return BY_CODE[code];
    }
}
