package dev.berth.model.onnx;

import java.util.List;

/**
 * A model's inputs and outputs as the protocol names them, and what the server had to leave out (outputs of kinds
 * the protocol cannot carry, such as sequences, maps or BFLOAT16 tensors), each as a sentence.
 */
public record ModelSignature(List<TensorSpec> inputs, List<TensorSpec> outputs, List<String> notes) {
    public ModelSignature {
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
        notes = List.copyOf(notes);
    }

    /** True when every input and output has an open first dimension, so requests can be stacked along it. */
    public boolean batchable() {
        return !inputs.isEmpty() && inputs.stream().allMatch(TensorSpec::batchable)
                && outputs.stream().allMatch(TensorSpec::batchable);
    }
}
