package dev.berth.tiny.blocks;

import dev.berth.tiny.pipeline.Tensor;

import java.util.List;

/** A running processing block: one call per pipeline run, inputs and outputs as the stage declares them. */
public interface ProcBlock {
    List<Tensor> run(List<Tensor> inputs);
}
