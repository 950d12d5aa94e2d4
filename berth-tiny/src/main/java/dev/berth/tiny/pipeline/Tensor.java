package dev.berth.tiny.pipeline;

import dev.berth.tiny.TinyException;

import java.util.Arrays;
import java.util.List;

/**
 * A tensor flowing through a pipeline at run time. Numbers are held as doubles, which represent every value of every
 * element type up to 32 bits exactly (and 64-bit ones up to 2^53); strings only for UTF8.
 */
public record Tensor(PortType type, double[] numbers, List<String> strings) {
    public Tensor {
        if (type.type() == ElementType.UTF8) {
            strings = List.copyOf(strings);
            if (strings.size() != type.elementCount()) {
                throw new TinyException("a " + type + " tensor needs " + type.elementCount() + " strings, not " + strings.size());
            }
        } else if (numbers.length != type.elementCount()) {
            throw new TinyException("a " + type + " tensor needs " + type.elementCount() + " values, not " + numbers.length);
        }
    }

    public static Tensor numeric(PortType type, double[] values) {
        return new Tensor(type, values, List.of());
    }

    public static Tensor text(PortType type, List<String> values) {
        return new Tensor(type, new double[0], values);
    }

    /** Values clamped and rounded into the element type's range, as a conversion into that type would. */
    public static double[] fit(ElementType type, double[] values) {
        double[] out = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            double v = values[i];
            out[i] = type.isFloat() ? (type == ElementType.F32 ? (float) v : v)
                    : Math.max(type.min(), Math.min(type.max(), Math.rint(v)));
        }
        return out;
    }

    /** A short rendering for printing: all values of small tensors, the first ones of large ones. */
    public String render() {
        if (type.type() == ElementType.UTF8) {
            return type + " " + strings;
        }
        int shown = Math.min(numbers.length, 16);
        StringBuilder text = new StringBuilder(type.toString()).append(" [");
        for (int i = 0; i < shown; i++) {
            double v = numbers[i];
            text.append(i == 0 ? "" : ", ").append(type.type().isFloat() ? String.format("%.6g", v) : Long.toString((long) v));
        }
        if (shown < numbers.length) {
            text.append(", … (").append(numbers.length - shown).append(" more)");
        }
        return text.append(']').toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Tensor t && t.type.equals(type) && Arrays.equals(t.numbers, numbers) && t.strings.equals(strings);
    }

    @Override
    public int hashCode() {
        return type.hashCode() * 31 + Arrays.hashCode(numbers);
    }
}
