package dev.berth.tiny.kernels;

import dev.berth.tiny.interpreter.MicroInterpreter;
import dev.berth.tiny.testing.TestModel;
import dev.berth.tiny.tflite.TensorType;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static dev.berth.tiny.testing.TestModel.shape;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The signal-library custom operators on models built here, against values worked out by hand. */
class SignalKernelsTest {

    @Test
    void windowMultipliesShiftsAndSaturates() {
        TestModel m = new TestModel();
        int in = m.tensor("in", TensorType.INT16, shape(1, 4), null);
        int w = m.int16Constant("w", shape(4), 4096, 8192, 16384, 16384);
        int out = m.tensor("out", TensorType.INT16, shape(1, 4), null);
        m.custom("SignalWindow", Map.of("shift", 12), new int[] {in, w}, out).inputs(in).outputs(out);
        MicroInterpreter window = m.interpreter();
        window.setInputQuantized(0, new int[] {1000, -2000, 32767, -32768});
        window.invoke();
        assertThat(window.outputQuantized(0)).containsExactly(1000, -4000, 32767, -32768);
    }

    @Test
    void fftAutoScaleFillsSixteenBits() {
        TestModel m = new TestModel();
        int in = m.tensor("in", TensorType.INT16, shape(3), null);
        int out = m.tensor("out", TensorType.INT16, shape(3), null);
        int scale = m.tensor("scale", TensorType.INT32, shape(), null);
        m.custom("SignalFftAutoScale", Map.of(), new int[] {in}, out, scale).inputs(in).outputs(out, scale);
        MicroInterpreter s = m.interpreter();
        s.setInputQuantized(0, new int[] {100, -300, 50}); // |300| has 9 bits: shift by 16 - 9 - 1 = 6
        s.invoke();
        assertThat(s.outputQuantized(0)).containsExactly(6400, -19200, 3200);
        assertThat(s.outputQuantized(1)).containsExactly(6);
    }

    /** The fixed-point FFT scales bin k by 1/N: compare with a double-precision DFT over 16 points. */
    @Test
    void rfftMatchesTheDiscreteFourierTransformScaledByTheLength() {
        TestModel m = new TestModel();
        int in = m.tensor("in", TensorType.INT16, shape(12), null);
        int out = m.tensor("out", TensorType.INT16, shape(18), null);
        m.custom("SignalRfft", Map.of("T", 7, "fft_length", 16), new int[] {in}, out).inputs(in).outputs(out);
        MicroInterpreter fft = m.interpreter();
        int[] x = {12000, -3000, 20000, 5000, -16000, 700, 0, 9000, -32000, 31000, 100, -100};
        fft.setInputQuantized(0, x);
        fft.invoke();
        int[] bins = fft.outputQuantized(0);
        for (int k = 0; k <= 8; k++) {
            double re = 0;
            double im = 0;
            for (int n = 0; n < x.length; n++) {
                re += x[n] * Math.cos(2 * Math.PI * k * n / 16);
                im -= x[n] * Math.sin(2 * Math.PI * k * n / 16);
            }
            assertThat((double) bins[2 * k]).as("re[%d]", k).isCloseTo(re / 16, within(3.0));
            assertThat((double) bins[2 * k + 1]).as("im[%d]", k).isCloseTo(im / 16, within(3.0));
        }
    }

    @Test
    void energyOfTheChosenBinsOnly() {
        TestModel m = new TestModel();
        int in = m.tensor("in", TensorType.INT16, shape(8), null);
        int out = m.tensor("out", TensorType.UINT32, shape(4), null);
        m.custom("SignalEnergy", Map.of("start_index", 1, "end_index", 3), new int[] {in}, out)
                .inputs(in).outputs(out);
        MicroInterpreter energy = m.interpreter();
        energy.setInputQuantized(0, new int[] {3, 4, 100, -200, 30000, 30000, 1, 1});
        energy.invoke();
        assertThat(energy.output(0).toIntArray()).containsExactly(0, 50_000, 1_800_000_000, 0);
    }

    /**
     * Two channels over energies 10, 20, 30, 40, 50: channel 0 = unweight[0]*10 + weight[1]*20 + weight[2]*30,
     * channel 1 = unweight[1]*20 + unweight[2]*30 + weight[3]*40 + weight[4]*50.
     */
    @Test
    void filterBankAccumulatesWeightsAndUnweights() {
        TestModel m = new TestModel();
        int in = m.tensor("in", TensorType.UINT32, shape(6), null);
        int weights = m.int16Constant("weights", shape(5), 4096, 1000, 2000, 3000, 4000);
        int unweights = m.int16Constant("unweights", shape(5), 100, 3096, 2096, 1096, 96);
        int frequencyStarts = m.int16Constant("freq", shape(3), 0, 1, 3);
        int weightStarts = m.int16Constant("wstart", shape(3), 0, 1, 3);
        int widths = m.int16Constant("widths", shape(3), 1, 2, 2);
        int out = m.tensor("out", TensorType.UINT64, shape(2), null);
        m.custom("SignalFilterBank", Map.of("num_channels", 2),
                new int[] {in, weights, unweights, frequencyStarts, weightStarts, widths}, out).inputs(in).outputs(out);
        MicroInterpreter bank = m.interpreter();
        bank.setInputQuantized(0, new int[] {10, 20, 30, 40, 50, 60});
        bank.invoke();
        assertThat(bank.output(0).getInt64(0)).isEqualTo(100 * 10 + 1000 * 20 + 2000 * 30);
        assertThat(bank.output(0).getInt64(1)).isEqualTo(3096 * 20 + 2096 * 30 + 3000 * 40 + 4000 * 50);
    }

    @Test
    void integerSquareRootRoundsLikeTflm() {
        assertThat(SignalKernels.sqrt64(0)).isZero();
        assertThat(SignalKernels.sqrt64(15)).isEqualTo(4);  // 3 remainder 6 > 3: rounds up
        assertThat(SignalKernels.sqrt64(16)).isEqualTo(4);
        assertThat(SignalKernels.sqrt64(17)).isEqualTo(4);
        assertThat(SignalKernels.sqrt64(1_000_000)).isEqualTo(1000);
        assertThat(SignalKernels.sqrt64((1L << 40) + 12345)).isEqualTo(1L << 20);
        assertThat(SignalKernels.sqrt64(1L << 62)).isEqualTo(1L << 31);
        assertThat(SignalKernels.sqrt64(-1L)).isEqualTo(0xFFFFFFFFL); // 2^64 - 1: no rounding past 32 bits
    }

    @Test
    void squareRootShiftsByTheScaleBits() {
        TestModel m = new TestModel();
        int in = m.tensor("in", TensorType.UINT64, shape(3), null);
        int bits = m.tensor("bits", TensorType.INT32, shape(), null);
        int out = m.tensor("out", TensorType.UINT32, shape(3), null);
        m.custom("SignalFilterBankSquareRoot", Map.of(), new int[] {in, bits}, out).inputs(in, bits).outputs(out);
        MicroInterpreter sqrt = m.interpreter();
        for (int i = 0; i < 3; i++) {
            RuntimeTensor.LONG.set(sqrt.input(0).data, sqrt.input(0).offset + 8 * i, new long[] {15, 1_000_000, 1L << 62}[i]);
        }
        sqrt.setInputQuantized(1, new int[] {1});
        sqrt.invoke();
        assertThat(sqrt.output(0).toIntArray()).containsExactly(2, 500, 1 << 30);
    }

    /**
     * smoothing_bits 2, spectral_subtraction_bits 14; even channels smooth with 0.25, odd with 0.5; at least
     * 1638/16384 of the signal remains. Worked through two frames and a reset.
     */
    @Test
    void spectralSubtractionKeepsItsNoiseEstimateBetweenFramesUntilReset() {
        TestModel m = new TestModel();
        int in = m.tensor("in", TensorType.UINT32, shape(2), null);
        int out = m.tensor("out", TensorType.UINT32, shape(2), null);
        int estimate = m.tensor("estimate", TensorType.UINT32, shape(2), null);
        m.custom("SignalFilterBankSpectralSubtraction", Map.of("num_channels", 2, "smoothing", 4096,
                        "one_minus_smoothing", 12288, "alternate_smoothing", 8192, "alternate_one_minus_smoothing", 8192,
                        "smoothing_bits", 2, "spectral_subtraction_bits", 14, "min_signal_remaining", 1638,
                        "clamping", false),
                new int[] {in}, out, estimate).inputs(in).outputs(out, estimate);
        MicroInterpreter s = m.interpreter();
        s.setInputQuantized(0, new int[] {100, 200});
        s.invoke();
        // ch0: estimate (400*4096)>>14 = 100, (400-100)>>2 = 75; ch1: estimate (800*8192)>>14 = 400, (800-400)>>2
        assertThat(s.output(0).toIntArray()).containsExactly(75, 100);
        assertThat(s.output(1).toIntArray()).containsExactly(100, 400);
        s.setInputQuantized(0, new int[] {0, 200});
        s.invoke();
        // ch0: estimate (100*12288)>>14 = 75 > signal 0, output 0; ch1: (800*8192 + 400*8192)>>14 = 600 -> 50
        assertThat(s.output(0).toIntArray()).containsExactly(0, 50);
        assertThat(s.output(1).toIntArray()).containsExactly(75, 600);
        s.resetState();
        s.setInputQuantized(0, new int[] {100, 200});
        s.invoke();
        assertThat(s.output(0).toIntArray()).containsExactly(75, 100);
    }

    @Test
    void pcanAppliesTheGainAndShrinks() {
        int[] lut = new int[125];
        lut[0] = 4096;
        lut[1] = 2048;
        lut[2] = 1024;
        lut[3] = 64;
        lut[4] = 32;
        TestModel m = new TestModel();
        int in = m.tensor("in", TensorType.UINT32, shape(4), null);
        int noise = m.tensor("noise", TensorType.UINT32, shape(4), null);
        int gains = m.int16Constant("lut", shape(125), lut);
        int out = m.tensor("out", TensorType.UINT32, shape(4), null);
        m.custom("SignalPCAN", Map.of("snr_shift", 6), new int[] {in, noise, gains}, out).inputs(in, noise).outputs(out);
        MicroInterpreter pcan = m.interpreter();
        pcan.setInputQuantized(0, new int[] {100, 1000, 100000, 400});
        pcan.setInputQuantized(1, new int[] {0, 1, 2, 3});
        pcan.invoke();
        // snr = fb * gain >> 6: 6400 (< 2 in Q12: 6400^2 >> 20 = 39), 32000 and 1600000 (x >> 6 minus 64);
        // noise 3 interpolates lut[2..4]: 1024 + ((((32*512)>>5) + (64<<5)) * 512 + 2^14 >> 15) = 1064,
        // snr = 400 * 1064 >> 6 = 6650, 6650^2 >> 20 = 42
        assertThat(pcan.output(0).toIntArray()).containsExactly(39, 436, 24936, 42);
    }

    @Test
    void logScalesTheNaturalLogarithm() {
        TestModel m = new TestModel();
        int in = m.tensor("in", TensorType.UINT32, shape(4), null);
        int out = m.tensor("out", TensorType.INT16, shape(4), null);
        m.custom("SignalFilterBankLog", Map.of("input_correction_bits", 3, "output_scale", 64), new int[] {in}, out)
                .inputs(in).outputs(out);
        MicroInterpreter log = m.interpreter();
        log.setInputQuantized(0, new int[] {0, 1, 3, 8192});
        log.invoke();
        // x << 3, then 64 ln: 0 -> 0, ln 8 = 133.08, ln 24 = 203.4, ln 65536 = 709.8 (fixed point: 133, 203, 710)
        assertThat(log.outputQuantized(0)).containsExactly(0, 133, 203, 710);
    }
}
