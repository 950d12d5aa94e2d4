package dev.berth.tiny.blocks;

import dev.berth.tiny.TinyException;
import dev.berth.tiny.pipeline.ElementType;
import dev.berth.tiny.pipeline.PortType;
import dev.berth.tiny.pipeline.Stage;
import dev.berth.tiny.pipeline.Tensor;

import java.util.List;

/**
 * {@code noise-filtering}: the second half of the micro-speech front end, over the 40-channel frames of {@code fft}.
 * A running per-channel noise estimate (smoothing 0.04) is subtracted, keeping at least 5% of the signal; the result
 * is log-scaled (64 per natural-log unit) and mapped to int8 the way the micro-speech example feeds its model
 * (value × 256 / 666 − 128).
 */
final class NoiseFilteringBlock implements ProcBlockFactory {
    private static final double SMOOTHING = 0.04;
    private static final double MIN_REMAINING = 0.05;

    @Override
    public String name() {
        return "noise-filtering";
    }

    @Override
    public void check(Stage.ProcBlock stage, List<PortType> inputs) {
        BlockChecks.counts(stage, name(), inputs, 1, 1);
        PortType in = inputs.getFirst();
        BlockChecks.inputType(stage, name(), in, "U32 filterbank frames (from fft)", in.type() == ElementType.U32);
        if (in.elementCount() % SpectrogramBlock.CHANNELS != 0) {
            throw new TinyException(BlockChecks.where(stage, name()) + ": input holds " + in.elementCount()
                    + " values, not whole frames of " + SpectrogramBlock.CHANNELS + " channels");
        }
        BlockChecks.output(stage, name(), 0, PortType.of(ElementType.I8, 1, in.elementCount()));
    }

    @Override
    public ProcBlock create(Stage.ProcBlock stage, List<PortType> inputs) {
        PortType out = stage.outputs().getFirst();
        int channels = SpectrogramBlock.CHANNELS;
        return in -> {
            double[] v = in.getFirst().numbers();
            double[] result = new double[v.length];
            double[] noise = new double[channels];
            for (int f = 0; f < v.length / channels; f++) {
                for (int c = 0; c < channels; c++) {
                    double x = v[f * channels + c];
                    noise[c] = f == 0 ? x * SMOOTHING : noise[c] + SMOOTHING * (x - noise[c]);
                    double cleaned = Math.max(x - noise[c], x * MIN_REMAINING);
                    double logged = cleaned < 1 ? 0 : Math.log(cleaned) * 64;
                    result[f * channels + c] = logged * 256 / 666 - 128;
                }
            }
            return List.of(Tensor.numeric(out, Tensor.fit(ElementType.I8, result)));
        };
    }
}
