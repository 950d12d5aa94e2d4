package dev.berth.tiny.kernels;

/** Numpy-style broadcasting of two shapes, resolved once at prepare time into index tables. */
final class Broadcast {
    private Broadcast() {
    }

    static int[] outputShape(OpContext context, RuntimeTensor a, RuntimeTensor b) {
        int rank = Math.max(a.rank(), b.rank());
        int[] shape = new int[rank];
        for (int i = 0; i < rank; i++) {
            int da = dimFromEnd(a.shape, rank - 1 - i);
            int db = dimFromEnd(b.shape, rank - 1 - i);
            if (da != db && da != 1 && db != 1) {
                throw context.error(a.describe() + " and " + b.describe() + " cannot be broadcast together");
            }
            shape[i] = da == 1 ? db : da;
        }
        return shape;
    }

    static int count(int[] shape) {
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        return n;
    }

    /** For each element of {@code outShape} (row-major), the index of the element of {@code shape} it reads. */
    static int[] indices(int[] shape, int[] outShape) {
        int rank = outShape.length;
        int[] strides = new int[rank];
        int stride = 1;
        for (int i = rank - 1; i >= 0; i--) {
            int d = dimFromEnd(shape, rank - 1 - i);
            strides[i] = d == 1 ? 0 : stride;
            stride *= d;
        }
        int total = count(outShape);
        int[] result = new int[total];
        int[] position = new int[rank];
        for (int n = 0; n < total; n++) {
            int index = 0;
            for (int i = 0; i < rank; i++) {
                index += position[i] * strides[i];
            }
            result[n] = index;
            for (int i = rank - 1; i >= 0; i--) {
                if (++position[i] < outShape[i]) {
                    break;
                }
                position[i] = 0;
            }
        }
        return result;
    }

    private static int dimFromEnd(int[] shape, int fromEnd) {
        int i = shape.length - 1 - fromEnd;
        return i < 0 ? 1 : shape[i];
    }
}
