package dev.berth.tiny.pipeline;

import java.util.List;
import java.util.stream.Collectors;

/** The element type and dimensions of one tensor flowing between stages, e.g. {@code I16[1,16000]}. */
public record PortType(ElementType type, List<Integer> dimensions) {
    public PortType {
        dimensions = List.copyOf(dimensions);
    }

    public static PortType of(ElementType type, int... dimensions) {
        return new PortType(type, java.util.Arrays.stream(dimensions).boxed().toList());
    }

    /** Number of elements: the product of the dimensions. */
    public int elementCount() {
        long count = 1;
        for (int d : dimensions) {
            count *= d;
        }
        return (int) Math.min(count, Integer.MAX_VALUE);
    }

    /** Bytes of the tensor's buffer; strings are counted at 32 bytes each, a label's usual size. */
    public long byteSize() {
        return (long) elementCount() * (type == ElementType.UTF8 ? 32 : type.bytes());
    }

    public int[] shape() {
        return dimensions.stream().mapToInt(Integer::intValue).toArray();
    }

    @Override
    public String toString() {
        return type + dimensions.stream().map(String::valueOf).collect(Collectors.joining(",", "[", "]"));
    }
}
