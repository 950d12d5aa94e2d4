package dev.berth.tiny.pipeline;

import dev.berth.tiny.TinyException;

import java.util.List;

/** A checked pipeline: its stages in an order where every stage comes after the stages it reads from. */
public record Pipeline(List<Stage> stages) {
    public Pipeline {
        stages = List.copyOf(stages);
    }

    public Stage stage(String name) {
        return stages.stream().filter(s -> s.name().equals(name)).findFirst()
                .orElseThrow(() -> new TinyException("the pipeline has no stage '" + name + "'"));
    }

    /** The type of the tensor an input refers to. */
    public PortType typeOf(StageInput input) {
        return stage(input.stage()).outputs().get(input.index());
    }

    public List<Stage.Capability> capabilities() {
        return stages.stream().filter(s -> s instanceof Stage.Capability).map(s -> (Stage.Capability) s).toList();
    }
}
