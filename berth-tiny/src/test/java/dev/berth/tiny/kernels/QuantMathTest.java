package dev.berth.tiny.kernels;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class QuantMathTest {

    @Test
    void quantizeMultiplierSplitsIntoQ31AndShift() {
        assertThat(unpack(0.5)).containsExactly(1 << 30, 0);
        assertThat(unpack(0.125)).containsExactly(1 << 30, -2);
        assertThat(unpack(1.0)).containsExactly(1 << 30, 1);
        assertThat(unpack(0.75)).containsExactly(1610612736, 0);
        assertThat(unpack(0.0)).containsExactly(0, 0);
        assertThat(unpack(1e-12)).containsExactly(0, 0); // shift below -31 flushes to zero
        // 1 - 2^-40 rounds up to 2^31 in Q31: TFLM halves it and bumps the shift
        assertThat(unpack(1 - Math.scalb(1.0, -40))).containsExactly(1 << 30, 1);
    }

    private static int[] unpack(double m) {
        long packed = QuantMath.quantizeMultiplier(m);
        return new int[] {QuantMath.multiplierOf(packed), QuantMath.shiftOf(packed)};
    }

    @Test
    void saturatingRoundingDoublingHighMul() {
        assertThat(QuantMath.saturatingRoundingDoublingHighMul(Integer.MIN_VALUE, Integer.MIN_VALUE))
                .isEqualTo(Integer.MAX_VALUE);
        assertThat(QuantMath.saturatingRoundingDoublingHighMul(1 << 30, 1 << 30)).isEqualTo(1 << 29); // 0.5 * 0.5
        assertThat(QuantMath.saturatingRoundingDoublingHighMul(3, 1 << 30)).isEqualTo(2);   // 1.5 rounds up
        assertThat(QuantMath.saturatingRoundingDoublingHighMul(-3, 1 << 30)).isEqualTo(-1); // -1.5 rounds up too
        assertThat(QuantMath.saturatingRoundingDoublingHighMul(-6, 1 << 30)).isEqualTo(-3);
    }

    @Test
    void roundingDivideByPowerOfTwoRoundsHalfAwayFromZero() {
        assertThat(QuantMath.roundingDivideByPOT(5, 1)).isEqualTo(3);
        assertThat(QuantMath.roundingDivideByPOT(-5, 1)).isEqualTo(-3);
        assertThat(QuantMath.roundingDivideByPOT(-3, 2)).isEqualTo(-1);
        assertThat(QuantMath.roundingDivideByPOT(6, 2)).isEqualTo(2); // 1.5
        assertThat(QuantMath.roundingDivideByPOT(-6, 2)).isEqualTo(-2);
        assertThat(QuantMath.roundingDivideByPOT(7, 0)).isEqualTo(7);
    }

    @Test
    void multiplyByQuantizedMultiplierWithLeftAndRightShifts() {
        assertThat(QuantMath.multiplyByQuantizedMultiplier(-6, 1 << 30, -2)).isEqualTo(-1); // -0.75
        assertThat(QuantMath.multiplyByQuantizedMultiplier(100, 1 << 30, 3)).isEqualTo(400); // x 4
        assertThat(QuantMath.multiplyByQuantizedMultiplier(1000, 1610612736, -1)).isEqualTo(375); // x 0.375
        for (int x = -5000; x <= 5000; x += 7) {
            long packed = QuantMath.quantizeMultiplier(0.0123);
            int got = QuantMath.multiplyByQuantizedMultiplier(x, QuantMath.multiplierOf(packed), QuantMath.shiftOf(packed));
            // two roundings (the doubling high multiply, then the shift) may land one step past the nearest value
            assertThat(Math.abs(got - x * 0.0123)).as("x=%d", x).isLessThan(1.0);
        }
    }

    @Test
    void roundHalfAwayFromZeroLikeStdRound() {
        assertThat(QuantMath.roundHalfAwayFromZero(2.5f)).isEqualTo(3);
        assertThat(QuantMath.roundHalfAwayFromZero(-2.5f)).isEqualTo(-3);
        assertThat(QuantMath.roundHalfAwayFromZero(-0.4f)).isEqualTo(0);
    }
}
