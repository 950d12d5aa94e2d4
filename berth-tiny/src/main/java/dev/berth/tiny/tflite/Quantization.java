package dev.berth.tiny.tflite;

/**
 * Affine quantization of a tensor: real = scale * (q - zeroPoint), per tensor (one scale) or per channel along
 * {@code quantizedDimension}.
 */
public record Quantization(float[] scales, int[] zeroPoints, int quantizedDimension) {
    public static final Quantization NONE = new Quantization(new float[0], new int[0], 0);

    public boolean isPresent() {
        return scales.length > 0;
    }

    /** The scale of a per-tensor quantization (the first one). */
    public float scale() {
        return scales.length == 0 ? 0f : scales[0];
    }

    public int zeroPoint() {
        return zeroPoints.length == 0 ? 0 : zeroPoints[0];
    }

    public boolean isPerChannel() {
        return scales.length > 1;
    }
}
