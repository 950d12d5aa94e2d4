package dev.berth.tiny.kernels;

import dev.berth.tiny.TinyException;
import dev.berth.tiny.flatbuffer.FlatTable;
import dev.berth.tiny.tflite.OperatorSpec;
import dev.berth.tiny.tflite.TensorType;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * What a kernel sees while it prepares: its operator, its tensors bound to storage, and helpers that turn a
 * mismatch into an error naming the operator.
 */
public final class OpContext {
    private final OperatorSpec op;
    private final List<RuntimeTensor> tensors;

    public OpContext(OperatorSpec op, List<RuntimeTensor> tensors) {
        this.op = op;
        this.tensors = tensors;
    }

    public OperatorSpec op() {
        return op;
    }

    public int inputCount() {
        return op.inputs().length;
    }

    public int outputCount() {
        return op.outputs().length;
    }

    /** Input {@code i}, or null when the operator omits that optional input. */
    public RuntimeTensor input(int i) {
        if (i >= op.inputs().length) {
            return null;
        }
        int index = op.inputs()[i];
        return index < 0 ? null : tensors.get(index);
    }

    public RuntimeTensor requiredInput(int i) {
        RuntimeTensor t = input(i);
        if (t == null) {
            throw error("input " + i + " is missing");
        }
        return t;
    }

    public RuntimeTensor output(int i) {
        if (i >= op.outputs().length) {
            throw error("output " + i + " is missing");
        }
        return tensors.get(op.outputs()[i]);
    }

    /** The builtin options table, or null when the operator has none. */
    public FlatTable options() {
        return op.builtinOptions();
    }

    public byte optionByte(int field, byte defaultValue) {
        return op.builtinOptions() == null ? defaultValue : op.builtinOptions().getByte(field, defaultValue);
    }

    public int optionInt(int field, int defaultValue) {
        return op.builtinOptions() == null ? defaultValue : op.builtinOptions().getInt(field, defaultValue);
    }

    public boolean optionBool(int field) {
        return op.builtinOptions() != null && op.builtinOptions().getBool(field, false);
    }

    public float optionFloat(int field, float defaultValue) {
        return op.builtinOptions() == null ? defaultValue : op.builtinOptions().getFloat(field, defaultValue);
    }

    public void requireCounts(int minInputs, int maxInputs, int outputs) {
        if (op.inputs().length < minInputs || op.inputs().length > maxInputs) {
            throw error("expects " + (minInputs == maxInputs ? String.valueOf(minInputs) : minInputs + " to " + maxInputs)
                    + " inputs, the model gives " + op.inputs().length);
        }
        if (op.outputs().length != outputs) {
            throw error("expects " + outputs + " output(s), the model gives " + op.outputs().length);
        }
    }

    public void requireType(RuntimeTensor t, TensorType... allowed) {
        for (TensorType type : allowed) {
            if (t.declaredType == type) {
                return;
            }
        }
        throw unsupported(t.describe() + " has type " + lower(t.declaredType) + "; supported here: "
                + String.join(", ", Arrays.stream(allowed).map(OpContext::lower).toList()));
    }

    public void requireRank(RuntimeTensor t, int rank) {
        if (t.rank() != rank) {
            throw error(t.describe() + " must have rank " + rank);
        }
    }

    public void requireConstant(RuntimeTensor t, String role) {
        if (!t.isConstant()) {
            throw unsupported("its " + role + " " + t.describe() + " is computed at run time; it must be a constant");
        }
    }

    public void requireQuantized(RuntimeTensor t) {
        if (!t.quantization.isPresent()) {
            throw error(t.describe() + " has no quantization parameters");
        }
    }

    public void requireSameShape(RuntimeTensor a, RuntimeTensor b) {
        if (!Arrays.equals(a.shape, b.shape)) {
            throw error(a.describe() + " and " + b.describe() + " must have the same shape");
        }
    }

    /** An error about the model's use of this operator. */
    public TinyException error(String message) {
        return new TinyException(where() + ": " + message);
    }

    /** A valid use of the operator that this interpreter does not implement. */
    public TinyException unsupported(String message) {
        return new TinyException(where() + " is not supported: " + message);
    }

    public String where() {
        return "operator " + op.index() + " (" + op.opName() + ")";
    }

    private static String lower(TensorType type) {
        return type.name().toLowerCase(Locale.ROOT);
    }
}
