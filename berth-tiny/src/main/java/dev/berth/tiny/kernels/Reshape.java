package dev.berth.tiny.kernels;

/**
 * RESHAPE (and the other operators that only relabel a shape: SQUEEZE, EXPAND_DIMS): the bytes are copied
 * unchanged into the output tensor, as TFLM does when the planner gives the two tensors different places.
 */
public final class Reshape implements Kernel {
    private final byte[] in;
    private final int inOffset;
    private final byte[] out;
    private final int outOffset;
    private final int bytes;

    Reshape(OpContext context) {
        if (context.inputCount() < 1 || context.outputCount() != 1) {
            throw context.error("expects an input and one output");
        }
        RuntimeTensor input = context.requiredInput(0);
        RuntimeTensor output = context.output(0);
        if (input.elementCount() != output.elementCount() || input.type != output.type
                || input.declaredType != output.declaredType) {
            throw context.error(input.describe() + " cannot be reshaped into " + output.describe());
        }
        in = input.data;
        inOffset = input.offset;
        out = output.data;
        outOffset = output.offset;
        bytes = input.byteSize;
    }

    @Override
    public void invoke() {
        if (in != out || inOffset != outOffset) {
            System.arraycopy(in, inOffset, out, outOffset, bytes);
        }
    }
}
