package dev.berth.tiny.kernels;

/**
 * Output size and leading padding of a windowed operator (convolution or pooling) along one axis, as TFLite
 * computes them: SAME pads so that out = ceil(in / stride), VALID does not pad; the leading pad is half the
 * total, rounded down.
 */
record ConvGeometry(int outSize, int padding) {
    static final int SAME = 0;
    static final int VALID = 1;

    static ConvGeometry of(int paddingKind, int inSize, int filterSize, int stride, int dilation) {
        int effectiveFilter = (filterSize - 1) * dilation + 1;
        int out = paddingKind == SAME ? (inSize + stride - 1) / stride : (inSize - effectiveFilter + stride) / stride;
        int total = (out - 1) * stride + effectiveFilter - inSize;
        return new ConvGeometry(out, Math.max(total, 0) / 2);
    }

    static ConvGeometry check(OpContext context, String axis, int paddingKind, int inSize, int filterSize, int stride,
                              int dilation, int declaredOut) {
        if (paddingKind != SAME && paddingKind != VALID) {
            throw context.error("unknown padding " + paddingKind);
        }
        if (stride <= 0 || dilation <= 0 || filterSize <= 0) {
            throw context.error("stride, dilation and filter size must be positive along " + axis);
        }
        ConvGeometry geometry = of(paddingKind, inSize, filterSize, stride, dilation);
        if (geometry.outSize != declaredOut) {
            throw context.error("the output " + axis + " is " + declaredOut + " but the input, filter and stride give "
                    + geometry.outSize);
        }
        return geometry;
    }
}
