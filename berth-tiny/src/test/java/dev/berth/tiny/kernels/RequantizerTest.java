package dev.berth.tiny.kernels;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** The vectorisable requantizer computes exactly TFLM's MultiplyByQuantizedMultiplier, zero point and clamp. */
class RequantizerTest {

    @Test
    void agreesBitForBitWithTheScalarRoutine() {
        Random random = new Random(11);
        int n = 64;
        int[] multipliers = new int[n];
        int[] shifts = new int[n];
        for (int c = 0; c < n; c++) {
            long packed = QuantMath.quantizeMultiplier(Math.scalb(0.5 + random.nextDouble() * 0.5, random.nextInt(40) - 32));
            multipliers[c] = QuantMath.multiplierOf(packed);
            shifts[c] = QuantMath.shiftOf(packed);
        }
        Requantizer requantizer = new Requantizer(multipliers, shifts, -7, -128, 127, n);
        int[] acc = new int[n];
        byte[] out = new byte[n + 3];
        byte[] row = new byte[3 * n];
        for (int round = 0; round < 3000; round++) {
            for (int c = 0; c < n; c++) {
                acc[c] = switch (round % 3) {
                    case 0 -> random.nextInt();
                    case 1 -> random.nextInt(1 << 20) - (1 << 19);
                    default -> random.nextInt(64) - 32;
                };
            }
            requantizer.channels(acc, n, out, 3);
            int channel = round % n;
            requantizer.row(acc, n, channel, row, 1, 3);
            for (int c = 0; c < n; c++) {
                int want = Math.min(127, Math.max(-128,
                        QuantMath.multiplyByQuantizedMultiplier(acc[c], multipliers[c], shifts[c]) - 7));
                assertThat(out[3 + c]).as("acc %d, multiplier %d, shift %d", acc[c], multipliers[c], shifts[c])
                        .isEqualTo((byte) want);
                int wantRow = Math.min(127, Math.max(-128,
                        QuantMath.multiplyByQuantizedMultiplier(acc[c], multipliers[channel], shifts[channel]) - 7));
                assertThat(row[1 + 3 * c]).isEqualTo((byte) wantRow);
            }
        }
    }
}
