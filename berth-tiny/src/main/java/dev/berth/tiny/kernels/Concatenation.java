package dev.berth.tiny.kernels;

/**
 * CONCATENATION along one axis of inputs that share type and quantization (bytes are copied, so any type).
 * Options: axis 0, fused_activation 1 (only NONE).
 */
public final class Concatenation implements Kernel {
    private final RuntimeTensor[] inputs;
    private final RuntimeTensor out;
    private final int outer;
    private final int[] chunkBytes;

    Concatenation(OpContext context) {
        if (context.inputCount() < 1 || context.outputCount() != 1) {
            throw context.error("expects inputs and one output");
        }
        out = context.output(0);
        int rank = out.rank();
        int axis = context.optionInt(0, 0);
        if (axis < 0) {
            axis += rank;
        }
        if (axis < 0 || axis >= rank) {
            throw context.error("axis " + context.optionInt(0, 0) + " is outside rank " + rank);
        }
        if (context.optionByte(1, (byte) 0) != 0) {
            throw context.unsupported("a fused activation");
        }
        inputs = new RuntimeTensor[context.inputCount()];
        chunkBytes = new int[inputs.length];
        int outerCount = 1;
        for (int d = 0; d < axis; d++) {
            outerCount *= out.dim(d);
        }
        outer = outerCount;
        int axisTotal = 0;
        for (int i = 0; i < inputs.length; i++) {
            RuntimeTensor t = context.requiredInput(i);
            if (t.declaredType != out.declaredType || t.rank() != rank || t.scale != out.scale
                    || t.zeroPoint != out.zeroPoint) {
                throw context.unsupported(t.describe() + " differs from " + out.describe()
                        + " in type, rank or quantization");
            }
            for (int d = 0; d < rank; d++) {
                if (d != axis && t.dim(d) != out.dim(d)) {
                    throw context.error(t.describe() + " does not fit " + out.describe());
                }
            }
            axisTotal += t.dim(axis);
            inputs[i] = t;
            chunkBytes[i] = t.byteSize / Math.max(1, outer);
        }
        if (axisTotal != out.dim(axis)) {
            throw context.error("the inputs add up to " + axisTotal + " along axis " + axis + ", not " + out.dim(axis));
        }
    }

    @Override
    public void invoke() {
        int o = out.offset;
        for (int n = 0; n < outer; n++) {
            for (int i = 0; i < inputs.length; i++) {
                System.arraycopy(inputs[i].data, inputs[i].offset + n * chunkBytes[i], out.data, o, chunkBytes[i]);
                o += chunkBytes[i];
            }
        }
    }
}
