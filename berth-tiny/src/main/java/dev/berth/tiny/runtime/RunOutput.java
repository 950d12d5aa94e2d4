package dev.berth.tiny.runtime;

import dev.berth.tiny.pipeline.Tensor;

import java.util.List;

/** What one out stage received in a run. */
public record RunOutput(String stage, String kind, List<Tensor> tensors) {
    public RunOutput {
        tensors = List.copyOf(tensors);
    }
}
