package dev.berth.tiny.kernels;

import dev.berth.tiny.tflite.TensorType;

/**
 * STRIDED_SLICE with constant begin, end and strides (up to rank 5) and the begin, end and shrink-axis masks.
 * Options: begin_mask 0, end_mask 1, ellipsis_mask 2, new_axis_mask 3, shrink_axis_mask 4, offset 5. The
 * element indices are resolved at prepare time; invoke copies them.
 */
public final class StridedSlice implements Kernel {
    private final RuntimeTensor in;
    private final RuntimeTensor out;
    private final int[] sourceIndex;
    private final int elementBytes;

    StridedSlice(OpContext context) {
        context.requireCounts(4, 4, 1);
        in = context.requiredInput(0);
        out = context.output(0);
        if (in.declaredType != out.declaredType) {
            throw context.error(in.describe() + " and " + out.describe() + " differ in type");
        }
        int rank = in.rank();
        int[] begin = indices(context, 1, rank);
        int[] end = indices(context, 2, rank);
        int[] strides = indices(context, 3, rank);
        int beginMask = context.optionInt(0, 0);
        int endMask = context.optionInt(1, 0);
        if (context.optionInt(2, 0) != 0 || context.optionInt(3, 0) != 0 || context.optionBool(5)) {
            throw context.unsupported("ellipsis, new-axis and offset masks");
        }
        int[] starts = new int[rank];
        int[] counts = new int[rank];
        int total = 1;
        for (int d = 0; d < rank; d++) {
            int size = in.dim(d);
            int stride = strides[d];
            if (stride == 0) {
                throw context.error("stride 0 on axis " + d);
            }
            int b = (beginMask & (1 << d)) != 0 ? (stride > 0 ? 0 : size - 1) : clamp(begin[d], size, stride);
            int e = (endMask & (1 << d)) != 0 ? (stride > 0 ? size : -1) : clamp(end[d], size, stride);
            int count = stride > 0 ? Math.max(0, (e - b + stride - 1) / stride) : Math.max(0, (b - e - stride - 1) / -stride);
            starts[d] = b;
            counts[d] = count;
            total *= count;
        }
        if (total != out.elementCount()) {
            throw context.error("the slice has " + total + " elements but " + out.describe() + " holds "
                    + out.elementCount());
        }
        sourceIndex = new int[total];
        int[] position = new int[rank];
        for (int n = 0; n < total; n++) {
            int index = 0;
            for (int d = 0; d < rank; d++) {
                index = index * in.dim(d) + starts[d] + position[d] * strides[d];
            }
            sourceIndex[n] = index;
            for (int d = rank - 1; d >= 0; d--) {
                if (++position[d] < counts[d]) {
                    break;
                }
                position[d] = 0;
            }
        }
        elementBytes = in.type == TensorType.FLOAT32 ? 4 : in.type.bytes();
    }

    private static int clamp(int index, int size, int stride) {
        int i = index < 0 ? index + size : index;
        return stride > 0 ? Math.max(0, Math.min(size, i)) : Math.max(-1, Math.min(size - 1, i));
    }

    private static int[] indices(OpContext context, int input, int rank) {
        RuntimeTensor t = context.requiredInput(input);
        context.requireConstant(t, "slice parameter");
        context.requireType(t, TensorType.INT32);
        if (t.elementCount() != rank) {
            throw context.error(t.describe() + " must have one value per input dimension (" + rank + ")");
        }
        return t.toIntArray();
    }

    @Override
    public void invoke() {
        for (int n = 0; n < sourceIndex.length; n++) {
            System.arraycopy(in.data, in.offset + sourceIndex[n] * elementBytes, out.data, out.offset + n * elementBytes,
                    elementBytes);
        }
    }
}
