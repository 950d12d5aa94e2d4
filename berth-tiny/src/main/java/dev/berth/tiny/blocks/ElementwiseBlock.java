package dev.berth.tiny.blocks;

import dev.berth.tiny.TinyException;
import dev.berth.tiny.pipeline.PortType;
import dev.berth.tiny.pipeline.Stage;
import dev.berth.tiny.pipeline.Tensor;

import java.util.List;
import java.util.function.DoubleUnaryOperator;

/**
 * Built-in blocks that map each value of one numeric tensor into a tensor of the same shape: {@code modulo}
 * (argument {@code modulus}: the remainder in [0, modulus)) and {@code image-normalization} (U8 pixels to F32 in
 * [0, 1]).
 */
final class ElementwiseBlock implements ProcBlockFactory {
    private final String name;

    ElementwiseBlock(String name) {
        this.name = name;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void check(Stage.ProcBlock stage, List<PortType> inputs) {
        BlockChecks.counts(stage, name, inputs, 1, 1);
        PortType in = inputs.getFirst();
        if (name.equals("modulo")) {
            BlockChecks.inputType(stage, name, in, "numeric", in.type().isNumeric());
            double modulus = BlockChecks.number(stage, name, "modulus", null);
            if (!(modulus > 0)) {
                throw new TinyException(BlockChecks.where(stage, name) + ": 'modulus' must be greater than 0, got " + modulus);
            }
            BlockChecks.output(stage, name, 0, in);
        } else {
            BlockChecks.inputType(stage, name, in, "a U8 image", in.type() == dev.berth.tiny.pipeline.ElementType.U8);
            BlockChecks.output(stage, name, 0, new PortType(dev.berth.tiny.pipeline.ElementType.F32, in.dimensions()));
        }
    }

    @Override
    public ProcBlock create(Stage.ProcBlock stage, List<PortType> inputs) {
        PortType out = stage.outputs().getFirst();
        DoubleUnaryOperator f;
        if (name.equals("modulo")) {
            double m = BlockChecks.number(stage, name, "modulus", null);
            f = x -> ((x % m) + m) % m;
        } else {
            f = x -> x / 255.0;
        }
        return in -> {
            double[] v = in.getFirst().numbers().clone();
            for (int i = 0; i < v.length; i++) {
                v[i] = f.applyAsDouble(v[i]);
            }
            return List.of(Tensor.numeric(out, Tensor.fit(out.type(), v)));
        };
    }
}
