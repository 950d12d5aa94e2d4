package dev.berth.tiny.kernels;

import dev.berth.tiny.tflite.TensorType;

/**
 * SOFTMAX over the last dimension. Float32 computes exp(beta * (x - max)) / sum. Int8 (output scale 1/256,
 * zero point -128) follows TFLM's reference bit for bit: differences from the row maximum are rescaled into a Q5.26
 * fixed-point number, exponentiated with gemmlowp's exp_on_negative_values, summed in Q12.19, and divided through
 * gemmlowp's one_over_one_plus_x_for_x_in_0_1. Options: beta 0.
 */
public final class Softmax implements Kernel {
    private static final int SCALED_DIFF_INTEGER_BITS = 5;
    private static final int ACCUMULATION_INTEGER_BITS = 12;

    private final boolean quantized;
    private final byte[] in;
    private final int inOffset;
    private final byte[] out;
    private final int outOffset;
    private final int rows;
    private final int depth;
    private final int inputMultiplier;
    private final int inputLeftShift;
    private final int diffMin;
    private final float beta;

    Softmax(OpContext context) {
        context.requireCounts(1, 1, 1);
        RuntimeTensor input = context.requiredInput(0);
        RuntimeTensor output = context.output(0);
        context.requireSameShape(input, output);
        beta = context.optionFloat(0, 1f);
        depth = input.dim(-1);
        rows = depth == 0 ? 0 : input.elementCount() / depth;
        in = input.data;
        inOffset = input.offset;
        out = output.data;
        outOffset = output.offset;
        quantized = input.type != TensorType.FLOAT32;
        if (quantized) {
            context.requireType(input, TensorType.INT8);
            context.requireType(output, TensorType.INT8);
            if (output.zeroPoint != -128 || output.scale != 1f / 256) {
                throw context.unsupported("an int8 output must have scale 1/256 and zero point -128, not "
                        + output.scale + "/" + output.zeroPoint);
            }
            double realMultiplier = Math.min((double) beta * input.scale * (1L << (31 - SCALED_DIFF_INTEGER_BITS)),
                    (1L << 31) - 1.0);
            long packed = QuantMath.quantizeMultiplier(realMultiplier);
            inputMultiplier = QuantMath.multiplierOf(packed);
            inputLeftShift = QuantMath.shiftOf(packed);
            if (inputLeftShift < 0) {
                throw context.unsupported("input scale " + input.scale + " is too small for the fixed-point softmax");
            }
            double maxInputRescaled = 1.0 * ((1 << SCALED_DIFF_INTEGER_BITS) - 1)
                    * (1L << (31 - SCALED_DIFF_INTEGER_BITS)) / (1L << inputLeftShift);
            diffMin = -(int) Math.floor(maxInputRescaled);
        } else {
            context.requireType(output, TensorType.FLOAT32);
            inputMultiplier = 0;
            inputLeftShift = 0;
            diffMin = 0;
        }
    }

    @Override
    public void invoke() {
        for (int r = 0; r < rows; r++) {
            if (quantized) {
                rowQuantized(inOffset + r * depth, outOffset + r * depth);
            } else {
                rowFloat(inOffset + 4 * r * depth, outOffset + 4 * r * depth);
            }
        }
    }

    private void rowFloat(int i, int o) {
        float max = Float.NEGATIVE_INFINITY;
        for (int c = 0; c < depth; c++) {
            max = Math.max(max, (float) RuntimeTensor.FLOAT.get(in, i + 4 * c));
        }
        float sum = 0f;
        for (int c = 0; c < depth; c++) {
            float e = (float) Math.exp(((float) RuntimeTensor.FLOAT.get(in, i + 4 * c) - max) * beta);
            RuntimeTensor.FLOAT.set(out, o + 4 * c, e);
            sum += e;
        }
        for (int c = 0; c < depth; c++) {
            RuntimeTensor.FLOAT.set(out, o + 4 * c, (float) RuntimeTensor.FLOAT.get(out, o + 4 * c) / sum);
        }
    }

    private void rowQuantized(int i, int o) {
        int max = Integer.MIN_VALUE;
        for (int c = 0; c < depth; c++) {
            max = Math.max(max, in[i + c]);
        }
        int sumOfExps = 0; // Q12.19
        for (int c = 0; c < depth; c++) {
            int diff = in[i + c] - max;
            if (diff >= diffMin) {
                int rescaled = QuantMath.saturatingRoundingDoublingHighMul(diff * (1 << inputLeftShift), inputMultiplier);
                sumOfExps += QuantMath.roundingDivideByPOT(expOnNegativeValues(rescaled), ACCUMULATION_INTEGER_BITS);
            }
        }
        int headroomPlusOne = Integer.numberOfLeadingZeros(sumOfExps);
        int bitsOverUnit = ACCUMULATION_INTEGER_BITS - headroomPlusOne;
        int shiftedSumMinusOne = (int) (((long) sumOfExps << headroomPlusOne) - (1L << 31));
        int shiftedScale = oneOverOnePlusX(shiftedSumMinusOne);
        for (int c = 0; c < depth; c++) {
            int diff = in[i + c] - max;
            int value;
            if (diff >= diffMin) {
                int rescaled = QuantMath.saturatingRoundingDoublingHighMul(diff * (1 << inputLeftShift), inputMultiplier);
                int exp = expOnNegativeValues(rescaled);
                int unsaturated = QuantMath.roundingDivideByPOT(
                        QuantMath.saturatingRoundingDoublingHighMul(shiftedScale, exp), bitsOverUnit + 31 - 8);
                value = Math.min(127, Math.max(-128, unsaturated - 128));
            } else {
                value = -128;
            }
            out[o + c] = (byte) value;
        }
    }

    // Q31 constants exp(-2^k) for k = -2..4, and the Taylor expansion's terms: facts of the fixed-point algorithm.
    private static final int[] EXP_BARREL = {1672461947, 1302514674, 790015084, 290630308, 39332535, 720401, 242};
    private static final int EXP_MINUS_ONE_EIGHTH = 1895147668;
    private static final int ONE_THIRD = 715827883;

    /** gemmlowp's exp_on_negative_values for a Q5.26 input; the result is Q0.31. */
    static int expOnNegativeValues(int a) {
        final int fractionalBits = 31 - SCALED_DIFF_INTEGER_BITS;
        final int oneQuarter = 1 << (fractionalBits - 2);
        int mask = oneQuarter - 1;
        int aModQuarterMinusOneQuarter = (a & mask) - oneQuarter;
        int result = expOnIntervalBetweenNegativeOneQuarterAndZero(
                QuantMath.saturatingShiftLeft(aModQuarterMinusOneQuarter, SCALED_DIFF_INTEGER_BITS));
        int remainder = aModQuarterMinusOneQuarter - a;
        for (int k = -2; k <= 4; k++) {
            if (SCALED_DIFF_INTEGER_BITS > k && (remainder & (1 << (fractionalBits + k))) != 0) {
                result = QuantMath.saturatingRoundingDoublingHighMul(result, EXP_BARREL[k + 2]);
            }
        }
        return a == 0 ? Integer.MAX_VALUE : result;
    }

    private static int expOnIntervalBetweenNegativeOneQuarterAndZero(int a) {
        int x = a + (1 << 28);
        int x2 = QuantMath.saturatingRoundingDoublingHighMul(x, x);
        int x3 = QuantMath.saturatingRoundingDoublingHighMul(x2, x);
        int x4 = QuantMath.saturatingRoundingDoublingHighMul(x2, x2);
        int x4Over4 = QuantMath.roundingDivideByPOT(x4, 2);
        int polynomial = QuantMath.roundingDivideByPOT(
                QuantMath.saturatingRoundingDoublingHighMul(x4Over4 + x3, ONE_THIRD) + x2, 1);
        // e^a = e^(-1/8) * e^x with x = a + 1/8, e^x ~ 1 + x + x^2/2 + x^3/6 + x^4/24
        return EXP_MINUS_ONE_EIGHTH + QuantMath.saturatingRoundingDoublingHighMul(EXP_MINUS_ONE_EIGHTH, x + polynomial);
    }

    /** gemmlowp's one_over_one_plus_x_for_x_in_0_1: Newton-Raphson in Q2.29; input and result Q0.31. */
    static int oneOverOnePlusX(int a) {
        long sum = (long) a + Integer.MAX_VALUE;
        int halfDenominator = (int) ((sum + (sum >= 0 ? 1 : -1)) / 2);
        final int constant48Over17 = 1515870810;
        final int constantNeg32Over17 = -1010580540;
        final int oneQ2 = 1 << 29;
        int x = constant48Over17 + QuantMath.saturatingRoundingDoublingHighMul(halfDenominator, constantNeg32Over17);
        for (int i = 0; i < 3; i++) {
            int halfDenominatorTimesX = QuantMath.saturatingRoundingDoublingHighMul(halfDenominator, x);
            int oneMinus = oneQ2 - halfDenominatorTimesX;
            x = x + QuantMath.saturatingShiftLeft(QuantMath.saturatingRoundingDoublingHighMul(x, oneMinus), 2);
        }
        return QuantMath.saturatingShiftLeft(x, 1);
    }
}
