package dev.berth.tiny.kernels;

/**
 * The fixed-point arithmetic of TensorFlow Lite Micro's reference kernels, bit for bit: a real multiplier is
 * stored as a Q31 integer and a power-of-two shift, and products are rounded the way gemmlowp rounds them
 * (SaturatingRoundingDoublingHighMul, then RoundingDivideByPOT). Java's int arithmetic wraps like the C++ code's
 * on the targets TFLM runs on, and Java's integer division truncates toward zero like C++'s.
 */
public final class QuantMath {
    private QuantMath() {
    }

    /**
     * Splits {@code multiplier} into a Q31 mantissa and a shift so that multiplier = mantissa * 2^(shift - 31).
     * Returns the two packed into a long: mantissa in the high 32 bits, shift in the low 32 bits.
     */
    public static long quantizeMultiplier(double multiplier) {
        if (multiplier == 0.0) {
            return 0L;
        }
        if (!(multiplier > 0) || Double.isInfinite(multiplier)) {
            throw new IllegalArgumentException("quantization multiplier must be positive and finite: " + multiplier);
        }
        // frexp: multiplier = q * 2^shift with q in [0.5, 1).
        int shift = Math.getExponent(multiplier) + 1;
        double q = multiplier / Math.scalb(1.0, shift);
        if (q < 0.5) { // subnormal input: getExponent undercounts
            while (q < 0.5) {
                q *= 2;
                shift--;
            }
        }
        long qFixed = Math.round(q * (1L << 31));
        if (qFixed == (1L << 31)) {
            qFixed /= 2;
            shift++;
        }
        if (shift < -31) {
            shift = 0;
            qFixed = 0;
        }
        if (shift > 30) {
            shift = 30;
            qFixed = (1L << 31) - 1;
        }
        return (qFixed << 32) | (shift & 0xffffffffL);
    }

    public static int multiplierOf(long packed) {
        return (int) (packed >> 32);
    }

    public static int shiftOf(long packed) {
        return (int) packed;
    }

    /** gemmlowp's SaturatingRoundingDoublingHighMul: the high 32 bits of 2*a*b, rounded to nearest. */
    public static int saturatingRoundingDoublingHighMul(int a, int b) {
        if (a == b && a == Integer.MIN_VALUE) {
            return Integer.MAX_VALUE;
        }
        long ab = (long) a * (long) b;
        long nudge = ab >= 0 ? (1L << 30) : (1L - (1L << 30));
        return (int) ((ab + nudge) / (1L << 31));
    }

    /** gemmlowp's RoundingDivideByPOT: x / 2^exponent rounded to nearest, ties away from zero. */
    public static int roundingDivideByPOT(int x, int exponent) {
        int mask = (1 << exponent) - 1;
        int remainder = x & mask;
        int threshold = (mask >> 1) + (x < 0 ? 1 : 0);
        return (x >> exponent) + (remainder > threshold ? 1 : 0);
    }

    /** TFLM's MultiplyByQuantizedMultiplier (the default, two-rounding variant). */
    public static int multiplyByQuantizedMultiplier(int x, int multiplier, int shift) {
        int leftShift = shift > 0 ? shift : 0;
        int rightShift = shift > 0 ? 0 : -shift;
        return roundingDivideByPOT(saturatingRoundingDoublingHighMul(x * (1 << leftShift), multiplier), rightShift);
    }

    /** gemmlowp's SaturatingRoundingMultiplyByPOT for a positive exponent: a saturating left shift. */
    public static int saturatingShiftLeft(int x, int exponent) {
        int threshold = (1 << (31 - exponent)) - 1;
        if (x > threshold) {
            return Integer.MAX_VALUE;
        }
        if (x < -threshold) {
            return Integer.MIN_VALUE;
        }
        return x << exponent;
    }

    /** std::round on a float: halves away from zero. */
    public static int roundHalfAwayFromZero(float value) {
        return (int) (value >= 0 ? Math.floor(value + 0.5) : -Math.floor(-value + 0.5));
    }
}
