package dev.berth.tiny.tflite;

import dev.berth.tiny.flatbuffer.FlatTable;

/**
 * One operator of the graph as the model declares it.
 *
 * @param builtinCode    the builtin operator code (see {@link BuiltinOperator})
 * @param customCode     the custom operator's name when {@code builtinCode} is CUSTOM, else null
 * @param inputs         tensor indices, -1 for an omitted optional input
 * @param builtinOptions the options table, or null when the operator has none
 * @param customOptions  the custom operator's options bytes (a FlexBuffer), or null
 */
public record OperatorSpec(int index, int builtinCode, String customCode, int version, int[] inputs, int[] outputs,
                           int builtinOptionsType, FlatTable builtinOptions, byte[] customOptions) {

    /** The operator's name: the builtin name, or the custom code. */
    public String opName() {
        return builtinCode == BuiltinOperator.CUSTOM && customCode != null ? customCode
                : BuiltinOperator.name(builtinCode);
    }
}
