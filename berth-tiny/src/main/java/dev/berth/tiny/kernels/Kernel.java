package dev.berth.tiny.kernels;

/**
 * One prepared operator. Everything a kernel needs (arena offsets, requantization multipliers, re-laid-out
 * weights, accumulators) is computed when it is prepared; {@link #invoke()} only reads and writes arrays that
 * already exist, so running a model allocates nothing.
 */
public sealed interface Kernel permits FullyConnected, Conv2D, DepthwiseConv2D, Pool2D, Reshape, Softmax, Add,
        Quantize, Dequantize, Cast, StridedSlice, Concatenation, Arithmetic, SignalKernels.Window,
        SignalKernels.FftAutoScale, SignalKernels.Rfft, SignalKernels.Energy, SignalKernels.FilterBank,
        SignalKernels.FilterBankSquareRoot, SignalKernels.SpectralSubtraction, SignalKernels.Pcan,
        SignalKernels.FilterBankLog {
    void invoke();

    /** Forgets state kept between invocations (only stateful kernels, like a noise estimate, have any). */
    default void reset() {
    }
}
