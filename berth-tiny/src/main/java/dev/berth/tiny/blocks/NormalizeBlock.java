package dev.berth.tiny.blocks;

import dev.berth.tiny.pipeline.PortType;
import dev.berth.tiny.pipeline.Stage;
import dev.berth.tiny.pipeline.Tensor;

import java.util.List;

/** {@code normalize}: scales a float tensor linearly so its smallest value becomes 0 and its largest 1. */
final class NormalizeBlock implements ProcBlockFactory {
    @Override
    public String name() {
        return "normalize";
    }

    @Override
    public void check(Stage.ProcBlock stage, List<PortType> inputs) {
        BlockChecks.counts(stage, name(), inputs, 1, 1);
        PortType in = inputs.getFirst();
        BlockChecks.inputType(stage, name(), in, "F32 or F64", in.type().isFloat());
        BlockChecks.output(stage, name(), 0, in);
    }

    @Override
    public ProcBlock create(Stage.ProcBlock stage, List<PortType> inputs) {
        PortType out = stage.outputs().getFirst();
        return in -> {
            double[] v = in.getFirst().numbers().clone();
            double min = Double.POSITIVE_INFINITY;
            double max = Double.NEGATIVE_INFINITY;
            for (double x : v) {
                min = Math.min(min, x);
                max = Math.max(max, x);
            }
            double range = max - min;
            for (int i = 0; i < v.length; i++) {
                // a constant input has no spread to scale: it maps to 0 rather than dividing by zero
                v[i] = range == 0 ? 0 : (v[i] - min) / range;
            }
            return List.of(Tensor.numeric(out, Tensor.fit(out.type(), v)));
        };
    }
}
