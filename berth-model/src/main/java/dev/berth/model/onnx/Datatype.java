package dev.berth.model.onnx;

import ai.onnxruntime.TensorInfo.OnnxTensorType;

/**
 * The tensor element types of the Open Inference Protocol, with the ONNX element type each one is and how many bytes
 * an element takes in memory. BYTES elements are strings (ONNX's STRING), of no fixed size.
 */
public enum Datatype {
    BOOL(9, 1),
    UINT8(2, 1),
    UINT16(4, 2),
    UINT32(12, 4),
    UINT64(13, 8),
    INT8(3, 1),
    INT16(5, 2),
    INT32(6, 4),
    INT64(7, 8),
    FP16(10, 2),
    FP32(1, 4),
    FP64(11, 8),
    BYTES(8, 0);

    private final int onnxElementType;
    private final int byteSize;

    Datatype(int onnxElementType, int byteSize) {
        this.onnxElementType = onnxElementType;
        this.byteSize = byteSize;
    }

    /** ONNX's {@code TensorProto.DataType} number of this element type. */
    public int onnxElementType() {
        return onnxElementType;
    }

    /** Bytes per element in memory; 0 for BYTES, whose elements vary in length. */
    public int byteSize() {
        return byteSize;
    }

    /** True for UINT16, UINT32 and UINT64: types ONNX Runtime's Java API cannot hand over directly. */
    public boolean isWideUnsigned() {
        return this == UINT16 || this == UINT32 || this == UINT64;
    }

    /** The signed type of the same width that carries the same bits across the Java API (UINT32 → INT32). */
    public Datatype signedCarrier() {
        return switch (this) {
            case UINT16 -> INT16;
            case UINT32 -> INT32;
            case UINT64 -> INT64;
            default -> this;
        };
    }

    /** The protocol datatype by its name, or null when the protocol has no such type. */
    public static Datatype byName(String name) {
        // a switch on strings hashes once: cheaper than valueOf's map lookup plus its exception for unknown names
        return switch (name) {
            case "BOOL" -> BOOL;
            case "UINT8" -> UINT8;
            case "UINT16" -> UINT16;
            case "UINT32" -> UINT32;
            case "UINT64" -> UINT64;
            case "INT8" -> INT8;
            case "INT16" -> INT16;
            case "INT32" -> INT32;
            case "INT64" -> INT64;
            case "FP16" -> FP16;
            case "FP32" -> FP32;
            case "FP64" -> FP64;
            case "BYTES" -> BYTES;
            default -> null;
        };
    }

    /** The protocol datatype of an ONNX element type, or null when the protocol has none (BFLOAT16, complex, FP8). */
    public static Datatype ofOnnx(OnnxTensorType type) {
        return switch (type) {
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_BOOL -> BOOL;
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT8 -> UINT8;
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT16 -> UINT16;
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT32 -> UINT32;
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT64 -> UINT64;
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT8 -> INT8;
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT16 -> INT16;
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT32 -> INT32;
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT64 -> INT64;
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT16 -> FP16;
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT -> FP32;
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_DOUBLE -> FP64;
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_STRING -> BYTES;
            default -> null;
        };
    }
}
