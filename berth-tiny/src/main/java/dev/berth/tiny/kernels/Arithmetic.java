package dev.berth.tiny.kernels;

import dev.berth.tiny.tflite.BuiltinOperator;
import dev.berth.tiny.tflite.TensorType;

/**
 * Element-wise MUL, DIV, MINIMUM, MAXIMUM (and ADD on int32) with broadcasting: int32 and float32 as plain
 * arithmetic with the fused activation (DIV on int32 truncates toward zero, as TensorFlow's TruncateDiv), int8
 * MUL with fixed-point requantization, int8 MINIMUM/MAXIMUM on the raw values (same quantization required).
 */
public final class Arithmetic implements Kernel {
    private final int op;
    private final RuntimeTensor a;
    private final RuntimeTensor b;
    private final RuntimeTensor out;
    private final int count;
    private final int[] indexA;
    private final int[] indexB;
    private final TensorType type;
    private final int actMin;
    private final int actMax;
    private final float floatMin;
    private final float floatMax;
    private final int multiplier;
    private final int shift;

    Arithmetic(OpContext context) {
        op = context.op().builtinCode();
        context.requireCounts(2, 2, 1);
        a = context.requiredInput(0);
        b = context.requiredInput(1);
        out = context.output(0);
        type = out.declaredType;
        if (a.declaredType != type || b.declaredType != type) {
            throw context.error(a.describe() + ", " + b.describe() + " and " + out.describe() + " differ in type");
        }
        boolean minMax = op == BuiltinOperator.MINIMUM || op == BuiltinOperator.MAXIMUM;
        if (type == TensorType.INT8) {
            if (op != BuiltinOperator.MUL && !minMax) {
                throw context.unsupported("int8 " + context.op().opName());
            }
        } else {
            context.requireType(out, TensorType.INT32, TensorType.FLOAT32, TensorType.INT8);
        }
        int[] shape = Broadcast.outputShape(context, a, b);
        count = out.elementCount();
        if (Broadcast.count(shape) != count) {
            throw context.error(out.describe() + " does not have the broadcast shape " + java.util.Arrays.toString(shape));
        }
        indexA = Broadcast.indices(a.shape, shape);
        indexB = Broadcast.indices(b.shape, shape);
        // MUL and DIV carry a fused activation in option 0; MINIMUM and MAXIMUM have none.
        Activation activation = minMax ? new Activation(Activation.NONE)
                : Activation.of(context.optionByte(0, (byte) 0), context);
        floatMin = activation.floatMin();
        floatMax = activation.floatMax();
        if (type == TensorType.INT8 && op == BuiltinOperator.MUL) {
            context.requireQuantized(a);
            context.requireQuantized(b);
            context.requireQuantized(out);
            long packed = QuantMath.quantizeMultiplier((double) a.scale * b.scale / out.scale);
            multiplier = QuantMath.multiplierOf(packed);
            shift = QuantMath.shiftOf(packed);
            int[] range = activation.quantizedRange(out.scale, out.zeroPoint);
            actMin = range[0];
            actMax = range[1];
        } else {
            if (type == TensorType.INT8 && (a.scale != out.scale || b.scale != out.scale
                    || a.zeroPoint != out.zeroPoint || b.zeroPoint != out.zeroPoint)) {
                throw context.unsupported("int8 inputs quantized differently from the output");
            }
            multiplier = 0;
            shift = 0;
            actMin = type == TensorType.INT8 ? -128 : (activation.code() == Activation.NONE ? Integer.MIN_VALUE
                    : (int) Math.max(Integer.MIN_VALUE, Math.ceil(activation.floatMin())));
            actMax = type == TensorType.INT8 ? 127 : (activation.code() == Activation.NONE ? Integer.MAX_VALUE
                    : (int) Math.min(Integer.MAX_VALUE, Math.floor(activation.floatMax())));
        }
    }

    @Override
    public void invoke() {
        for (int i = 0; i < count; i++) {
            int ia = indexA[i];
            int ib = indexB[i];
            switch (type) {
                case FLOAT32 -> {
                    float x = a.getFloat(ia);
                    float y = b.getFloat(ib);
                    float v = switch (op) {
                        case BuiltinOperator.MUL -> x * y;
                        case BuiltinOperator.DIV -> x / y;
                        case BuiltinOperator.MINIMUM -> Math.min(x, y);
                        case BuiltinOperator.MAXIMUM -> Math.max(x, y);
                        default -> x + y;
                    };
                    out.setFloat(i, Math.min(floatMax, Math.max(floatMin, v)));
                }
                case INT32 -> {
                    int x = a.getInt32(ia);
                    int y = b.getInt32(ib);
                    int v = switch (op) {
                        case BuiltinOperator.MUL -> x * y;
                        case BuiltinOperator.DIV -> y == 0 ? 0 : x / y;
                        case BuiltinOperator.MINIMUM -> Math.min(x, y);
                        case BuiltinOperator.MAXIMUM -> Math.max(x, y);
                        default -> x + y;
                    };
                    out.setInt32(i, Math.min(actMax, Math.max(actMin, v)));
                }
                default -> {
                    int x = a.data[a.offset + ia];
                    int y = b.data[b.offset + ib];
                    int v;
                    if (op == BuiltinOperator.MUL) {
                        v = QuantMath.multiplyByQuantizedMultiplier((x - a.zeroPoint) * (y - b.zeroPoint), multiplier,
                                shift) + out.zeroPoint;
                    } else {
                        v = op == BuiltinOperator.MINIMUM ? Math.min(x, y) : Math.max(x, y);
                    }
                    out.data[out.offset + i] = (byte) Math.min(actMax, Math.max(actMin, v));
                }
            }
        }
    }
}
