package dev.berth.tiny.kernels;

import dev.berth.tiny.tflite.BuiltinOperator;
import dev.berth.tiny.tflite.OperatorSpec;
import dev.berth.tiny.tflite.TensorType;

import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.SortedSet;

/**
 * Which kernel runs which operator: builtin operators by code, custom operators by name. The interpreter asks
 * it for every operator before it prepares any, so a model with an operator it lacks is refused at load time.
 */
public final class OpResolver {
    /** Prepares a kernel for one operator, or throws a TinyException naming what it cannot run. */
    @FunctionalInterface
    public interface KernelFactory {
        Kernel prepare(OpContext context);
    }

    private static final OpResolver BUILTIN = new OpResolver(Map.ofEntries(
            Map.entry(BuiltinOperator.FULLY_CONNECTED, FullyConnected::new),
            Map.entry(BuiltinOperator.CONV_2D, Conv2D::new),
            Map.entry(BuiltinOperator.DEPTHWISE_CONV_2D, DepthwiseConv2D::new),
            Map.entry(BuiltinOperator.AVERAGE_POOL_2D, context -> new Pool2D(context, true)),
            Map.entry(BuiltinOperator.MAX_POOL_2D, context -> new Pool2D(context, false)),
            Map.entry(BuiltinOperator.RESHAPE, Reshape::new),
            Map.entry(BuiltinOperator.SQUEEZE, Reshape::new),
            Map.entry(BuiltinOperator.EXPAND_DIMS, Reshape::new),
            Map.entry(BuiltinOperator.SOFTMAX, Softmax::new),
            Map.entry(BuiltinOperator.ADD, context -> context.requiredInput(0).type == TensorType.INT32
                    ? new Arithmetic(context) : new Add(context)),
            Map.entry(BuiltinOperator.MUL, Arithmetic::new),
            Map.entry(BuiltinOperator.DIV, Arithmetic::new),
            Map.entry(BuiltinOperator.MINIMUM, Arithmetic::new),
            Map.entry(BuiltinOperator.MAXIMUM, Arithmetic::new),
            Map.entry(BuiltinOperator.CAST, Cast::new),
            Map.entry(BuiltinOperator.STRIDED_SLICE, StridedSlice::new),
            Map.entry(BuiltinOperator.CONCATENATION, Concatenation::new),
            Map.entry(BuiltinOperator.QUANTIZE, Quantize::new),
            Map.entry(BuiltinOperator.DEQUANTIZE, Dequantize::new)),
            Map.of(
                    "SignalWindow", SignalKernels.Window::new,
                    "SignalFftAutoScale", SignalKernels.FftAutoScale::new,
                    "SignalRfft", SignalKernels.Rfft::new,
                    "SignalEnergy", SignalKernels.Energy::new,
                    "SignalFilterBank", SignalKernels.FilterBank::new,
                    "SignalFilterBankSquareRoot", SignalKernels.FilterBankSquareRoot::new,
                    "SignalFilterBankSpectralSubtraction", SignalKernels.SpectralSubtraction::new,
                    "SignalPCAN", SignalKernels.Pcan::new,
                    "SignalFilterBankLog", SignalKernels.FilterBankLog::new));

    private final Map<Integer, KernelFactory> builtins;
    private final Map<String, KernelFactory> customs;

    private OpResolver(Map<Integer, KernelFactory> builtins, Map<String, KernelFactory> customs) {
        this.builtins = builtins;
        this.customs = customs;
    }

    /** Every operator Berth's interpreter implements. */
    public static OpResolver builtin() {
        return BUILTIN;
    }

    public Optional<KernelFactory> find(OperatorSpec op) {
        if (op.builtinCode() == BuiltinOperator.CUSTOM) {
            return Optional.ofNullable(op.customCode() == null ? null : customs.get(op.customCode()));
        }
        return Optional.ofNullable(builtins.get(op.builtinCode()));
    }

    /** Names of the supported operators, sorted. */
    public SortedSet<String> supportedOperators() {
        SortedSet<String> names = new TreeSet<>();
        builtins.keySet().forEach(code -> names.add(BuiltinOperator.name(code)));
        names.addAll(customs.keySet());
        return names;
    }
}
