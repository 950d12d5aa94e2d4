package dev.berth.tiny.blocks;

import dev.berth.tiny.TinyException;
import dev.berth.tiny.pipeline.ElementType;
import dev.berth.tiny.pipeline.PortType;
import dev.berth.tiny.pipeline.Stage;
import dev.berth.tiny.pipeline.Tensor;

import java.util.ArrayList;
import java.util.List;

/** {@code label}: turns class indices into words from the {@code wordlist} argument (one word a line). */
final class LabelBlock implements ProcBlockFactory {
    @Override
    public String name() {
        return "label";
    }

    private List<String> words(Stage.ProcBlock stage) {
        String list = stage.args().get("wordlist");
        if (list == null) {
            throw new TinyException(BlockChecks.where(stage, name()) + ": argument 'wordlist' is required");
        }
        List<String> words = list.lines().map(String::trim).filter(w -> !w.isEmpty()).toList();
        if (words.isEmpty()) {
            throw new TinyException(BlockChecks.where(stage, name()) + ": 'wordlist' has no words");
        }
        return words;
    }

    @Override
    public void check(Stage.ProcBlock stage, List<PortType> inputs) {
        BlockChecks.counts(stage, name(), inputs, 1, 1);
        PortType in = inputs.getFirst();
        BlockChecks.inputType(stage, name(), in, "integer indices (e.g. U32)", BlockChecks.integer(in.type()));
        words(stage);
        BlockChecks.output(stage, name(), 0, new PortType(ElementType.UTF8, in.dimensions()));
    }

    @Override
    public ProcBlock create(Stage.ProcBlock stage, List<PortType> inputs) {
        List<String> words = words(stage);
        PortType out = stage.outputs().getFirst();
        return in -> {
            List<String> labels = new ArrayList<>();
            for (double index : in.getFirst().numbers()) {
                if (index < 0 || index >= words.size()) {
                    throw new TinyException(BlockChecks.where(stage, name()) + ": index " + (long) index
                            + " is outside the wordlist of " + words.size() + " words");
                }
                labels.add(words.get((int) index));
            }
            return List.of(Tensor.text(out, labels));
        };
    }
}
