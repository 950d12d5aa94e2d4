package dev.berth.tiny.blocks;

import dev.berth.tiny.TinyException;
import dev.berth.tiny.pipeline.ElementType;
import dev.berth.tiny.pipeline.PortType;
import dev.berth.tiny.pipeline.Stage;
import dev.berth.tiny.pipeline.Tensor;

import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * {@code most_confident_indices} (argument {@code count}, default 1) and {@code argmax}: the indices of the largest
 * values of a numeric tensor, largest first, as U32; ties go to the lower index.
 */
final class RankingBlock implements ProcBlockFactory {
    private final String name;

    RankingBlock(String name) {
        this.name = name;
    }

    @Override
    public String name() {
        return name;
    }

    private int count(Stage.ProcBlock stage) {
        double count = name.equals("argmax") ? 1 : BlockChecks.number(stage, name, "count", 1.0);
        if (count < 1 || count != Math.rint(count)) {
            throw new TinyException(BlockChecks.where(stage, name) + ": 'count' must be a whole number of at least 1, got " + count);
        }
        return (int) count;
    }

    @Override
    public void check(Stage.ProcBlock stage, List<PortType> inputs) {
        BlockChecks.counts(stage, name, inputs, 1, 1);
        PortType in = inputs.getFirst();
        BlockChecks.inputType(stage, name, in, "numeric", in.type().isNumeric());
        int count = count(stage);
        if (count > in.elementCount()) {
            throw new TinyException(BlockChecks.where(stage, name) + ": 'count' is " + count + " but the input has only "
                    + in.elementCount() + " values");
        }
        BlockChecks.output(stage, name, 0, PortType.of(ElementType.U32, count));
    }

    @Override
    public ProcBlock create(Stage.ProcBlock stage, List<PortType> inputs) {
        int count = count(stage);
        PortType out = stage.outputs().getFirst();
        return in -> {
            double[] v = in.getFirst().numbers();
            double[] top = IntStream.range(0, v.length).boxed()
                    .sorted(Comparator.<Integer>comparingDouble(i -> -v[i]).thenComparingInt(i -> i))
                    .limit(count).mapToDouble(Integer::doubleValue).toArray();
            return List.of(Tensor.numeric(out, top));
        };
    }
}
