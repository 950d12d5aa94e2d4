package dev.berth.tiny.kernels;

/**
 * A fused activation function (the schema's ActivationFunctionType) as the clamp range it becomes: TFLM folds
 * RELU, RELU6 and RELU_N1_TO_1 into the output clamp of the kernel that precedes them.
 */
record Activation(int code) {
    static final int NONE = 0;
    static final int RELU = 1;
    static final int RELU_N1_TO_1 = 2;
    static final int RELU6 = 3;

    static Activation of(int code, OpContext context) {
        if (code < 0 || code > RELU6) {
            throw context.unsupported("fused activation " + (code == 4 ? "TANH" : code == 5 ? "SIGN_BIT" : "#" + code));
        }
        return new Activation(code);
    }

    /** The clamp range in the quantized domain of a tensor with this scale and zero point (int8 storage). */
    int[] quantizedRange(float scale, int zeroPoint) {
        return quantizedRange(scale, zeroPoint, -128, 127);
    }

    int[] quantizedRange(float scale, int zeroPoint, int qmin, int qmax) {
        return switch (code) {
            case RELU -> new int[] {Math.max(qmin, quantize(0f, scale, zeroPoint)), qmax};
            case RELU6 -> new int[] {Math.max(qmin, quantize(0f, scale, zeroPoint)),
                Math.min(qmax, quantize(6f, scale, zeroPoint))};
            case RELU_N1_TO_1 -> new int[] {Math.max(qmin, quantize(-1f, scale, zeroPoint)),
                Math.min(qmax, quantize(1f, scale, zeroPoint))};
            default -> new int[] {qmin, qmax};
        };
    }

    float floatMin() {
        return switch (code) {
            case RELU, RELU6 -> 0f;
            case RELU_N1_TO_1 -> -1f;
            default -> Float.NEGATIVE_INFINITY;
        };
    }

    float floatMax() {
        return switch (code) {
            case RELU6 -> 6f;
            case RELU_N1_TO_1 -> 1f;
            default -> Float.POSITIVE_INFINITY;
        };
    }

    private static int quantize(float value, float scale, int zeroPoint) {
        return zeroPoint + QuantMath.roundHalfAwayFromZero(value / scale);
    }
}
