package dev.berth.tiny.tflite;

/**
 * A tensor as the model declares it.
 *
 * @param data the constant contents from the model's buffer, or null for a tensor computed at run time
 */
public record TensorSpec(int index, String name, TensorType type, int[] shape, byte[] data,
                         Quantization quantization, boolean variable) {

    public boolean isConstant() {
        return data != null;
    }

    public int elementCount() {
        int count = 1;
        for (int d : shape) {
            count = Math.multiplyExact(count, d);
        }
        return count;
    }

    public int byteSize() {
        return Math.multiplyExact(elementCount(), type.bytes());
    }

    /** A short description for error messages, e.g. {@code tensor 3 "dense/BiasAdd" int8[1,16]}. */
    public String describe() {
        StringBuilder text = new StringBuilder("tensor ").append(index);
        if (name != null && !name.isEmpty()) {
            text.append(" \"").append(name).append('"');
        }
        text.append(' ').append(type.name().toLowerCase(java.util.Locale.ROOT)).append('[');
        for (int i = 0; i < shape.length; i++) {
            text.append(i == 0 ? "" : ",").append(shape[i]);
        }
        return text.append(']').toString();
    }
}
