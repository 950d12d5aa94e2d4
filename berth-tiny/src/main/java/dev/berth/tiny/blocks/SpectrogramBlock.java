package dev.berth.tiny.blocks;

import dev.berth.tiny.TinyException;
import dev.berth.tiny.pipeline.ElementType;
import dev.berth.tiny.pipeline.PortType;
import dev.berth.tiny.pipeline.Stage;
import dev.berth.tiny.pipeline.Tensor;

import java.util.List;

/**
 * {@code fft}: the filterbank half of the micro-speech front end. 16-bit audio is cut into 30 ms windows every 20 ms,
 * each Hann-windowed, transformed (512-point FFT, scaled by 1/512 as a fixed-point FFT is) and summed into 40 mel
 * channels between 125 Hz and 7.5 kHz; each channel is the square root of its weighted energy, as U32.
 * Argument {@code hz}: the sample rate (default 16000).
 */
final class SpectrogramBlock implements ProcBlockFactory {
    static final int CHANNELS = 40;
    private static final double LOWER_HZ = 125;
    private static final double UPPER_HZ = 7500;

    @Override
    public String name() {
        return "fft";
    }

    record Geometry(int window, int stride, int fftSize, int frames) {
    }

    static Geometry geometry(int sampleRate, int samples) {
        int window = sampleRate * 30 / 1000;
        int stride = sampleRate * 20 / 1000;
        int fft = Integer.highestOneBit(window - 1) << 1;
        int frames = samples < window ? 0 : 1 + (samples - window) / stride;
        return new Geometry(window, stride, fft, frames);
    }

    private static int sampleRate(Stage.ProcBlock stage) {
        double hz = BlockChecks.number(stage, "fft", "hz", 16000.0);
        if (hz < 1000 || hz > 192000 || hz != Math.rint(hz)) {
            throw new TinyException(BlockChecks.where(stage, "fft") + ": 'hz' must be a whole sample rate from 1000 to 192000");
        }
        return (int) hz;
    }

    @Override
    public void check(Stage.ProcBlock stage, List<PortType> inputs) {
        BlockChecks.counts(stage, name(), inputs, 1, 1);
        PortType in = inputs.getFirst();
        BlockChecks.inputType(stage, name(), in, "I16 audio samples", in.type() == ElementType.I16);
        Geometry g = geometry(sampleRate(stage), in.elementCount());
        if (g.frames() == 0) {
            throw new TinyException(BlockChecks.where(stage, name()) + ": " + in.elementCount()
                    + " samples are fewer than one 30 ms window (" + g.window() + ")");
        }
        BlockChecks.output(stage, name(), 0, PortType.of(ElementType.U32, 1, g.frames() * CHANNELS));
    }

    @Override
    public ProcBlock create(Stage.ProcBlock stage, List<PortType> inputs) {
        int rate = sampleRate(stage);
        Geometry g = geometry(rate, inputs.getFirst().elementCount());
        double[][] filters = melFilters(rate, g.fftSize());
        double[] hann = new double[g.window()];
        for (int i = 0; i < hann.length; i++) {
            hann[i] = 0.5 - 0.5 * Math.cos(2 * Math.PI * (i + 0.5) / hann.length);
        }
        PortType out = stage.outputs().getFirst();
        return in -> {
            double[] audio = in.getFirst().numbers();
            double[] features = new double[g.frames() * CHANNELS];
            double[] re = new double[g.fftSize()];
            double[] im = new double[g.fftSize()];
            for (int f = 0; f < g.frames(); f++) {
                java.util.Arrays.fill(re, 0);
                java.util.Arrays.fill(im, 0);
                for (int i = 0; i < g.window(); i++) {
                    re[i] = audio[f * g.stride() + i] * hann[i];
                }
                Fft.transform(re, im);
                for (int c = 0; c < CHANNELS; c++) {
                    double energy = 0;
                    for (int k = 0; k < filters[c].length; k++) {
                        if (filters[c][k] != 0) {
                            double a = re[k] / g.fftSize();
                            double b = im[k] / g.fftSize();
                            energy += filters[c][k] * (a * a + b * b);
                        }
                    }
                    features[f * CHANNELS + c] = Math.sqrt(energy);
                }
            }
            return List.of(Tensor.numeric(out, Tensor.fit(ElementType.U32, features)));
        };
    }

    private static double mel(double hz) {
        return 1127.0 * Math.log1p(hz / 700.0);
    }

    /** Triangular filters evenly spaced on the mel scale; weights in Q12 as the fixed-point front end keeps them. */
    private static double[][] melFilters(int rate, int fftSize) {
        int bins = fftSize / 2 + 1;
        double lo = mel(LOWER_HZ);
        double hi = mel(UPPER_HZ);
        double[] edges = new double[CHANNELS + 2];
        for (int i = 0; i < edges.length; i++) {
            edges[i] = lo + (hi - lo) * i / (CHANNELS + 1);
        }
        double[][] filters = new double[CHANNELS][bins];
        for (int k = 0; k < bins; k++) {
            double m = mel((double) k * rate / fftSize);
            for (int c = 0; c < CHANNELS; c++) {
                double left = edges[c];
                double centre = edges[c + 1];
                double right = edges[c + 2];
                double w = m <= left || m >= right ? 0 : m <= centre ? (m - left) / (centre - left) : (right - m) / (right - centre);
                filters[c][k] = w * 4096;
            }
        }
        return filters;
    }
}
