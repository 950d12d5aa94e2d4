package dev.berth.model.onnx;

import java.util.List;

/**
 * What a model says about one of its inputs or outputs: name, protocol datatype and shape, with -1 for a dimension
 * the model leaves open (a dynamic batch size, a sequence length).
 */
public record TensorSpec(String name, Datatype datatype, List<Long> shape) {
    public TensorSpec {
        shape = List.copyOf(shape);
    }

    /** The shape as an array, for the checks on every request. */
    public long[] shapeArray() {
        long[] a = new long[shape.size()];
        for (int i = 0; i < a.length; i++) {
            a[i] = shape.get(i);
        }
        return a;
    }

    /** True when the first dimension is open, so requests can be stacked along it. */
    public boolean batchable() {
        return !shape.isEmpty() && shape.getFirst() == -1;
    }
}
