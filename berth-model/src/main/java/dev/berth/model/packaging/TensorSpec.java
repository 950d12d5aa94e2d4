package dev.berth.model.packaging;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;

/**
 * One input or output of a model as the Open Inference Protocol describes it: its name, the protocol's datatype name
 * ({@code FP32}, {@code INT64}, {@code BYTES} …) and its shape, with -1 for a dimension the model leaves open.
 */
@JsonPropertyOrder({"name", "datatype", "shape"})
public record TensorSpec(String name, String datatype, List<Long> shape) {
    public TensorSpec {
        shape = List.copyOf(shape);
    }

    /** True when the first dimension is open, so several requests can be stacked along it. */
    public boolean batchable() {
        return !shape.isEmpty() && shape.getFirst() == -1;
    }
}
