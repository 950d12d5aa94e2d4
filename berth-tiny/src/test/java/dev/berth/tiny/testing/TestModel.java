package dev.berth.tiny.testing;

import dev.berth.tiny.flatbuffer.FlatBufferWriter;
import dev.berth.tiny.flatbuffer.FlatBufferWriter.Table;
import dev.berth.tiny.interpreter.MicroInterpreter;
import dev.berth.tiny.tflite.BuiltinOperator;
import dev.berth.tiny.tflite.TensorType;
import dev.berth.tiny.tflite.TfliteModel;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds small .tflite files with known weights through {@link FlatBufferWriter}, so every kernel can be tested
 * on a fresh clone. Field numbers and union codes are the TensorFlow Lite schema's.
 */
public final class TestModel {
    // BuiltinOptions union codes.
    public static final int CONV_2D_OPTIONS = 1;
    public static final int DEPTHWISE_CONV_2D_OPTIONS = 2;
    public static final int POOL_2D_OPTIONS = 5;
    public static final int FULLY_CONNECTED_OPTIONS = 8;
    public static final int SOFTMAX_OPTIONS = 9;
    public static final int ADD_OPTIONS = 11;
    public static final int RESHAPE_OPTIONS = 17;

    public static final int SAME = 0;
    public static final int VALID = 1;
    public static final int NONE = 0;
    public static final int RELU = 1;
    public static final int RELU6 = 3;

    private final List<Table> tensors = new ArrayList<>();
    private final List<Table> buffers = new ArrayList<>(List.of(new Table()));
    private final List<Table> operators = new ArrayList<>();
    private final Map<String, Integer> opcodes = new LinkedHashMap<>();
    private final List<Table> opcodeTables = new ArrayList<>();
    private int[] inputs = new int[0];
    private int[] outputs = new int[0];

    /** Quantization of a tensor: one scale (per tensor) or several (per channel along {@code dimension}). */
    public record Quant(float[] scales, long[] zeroPoints, int dimension) {
        public static Quant of(float scale, int zeroPoint) {
            return new Quant(new float[] {scale}, new long[] {zeroPoint}, 0);
        }

        public static Quant perChannel(int dimension, float... scales) {
            return new Quant(scales, new long[scales.length], dimension);
        }
    }

    /** A tensor computed at run time. */
    public int tensor(String name, TensorType type, int[] shape, Quant quant) {
        return addTensor(name, type, shape, 0, quant);
    }

    public int constant(String name, TensorType type, int[] shape, byte[] data, Quant quant) {
        buffers.add(new Table().addByteVector(0, data));
        return addTensor(name, type, shape, buffers.size() - 1, quant);
    }

    public int int8Constant(String name, int[] shape, Quant quant, int... values) {
        byte[] data = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            data[i] = (byte) values[i];
        }
        return constant(name, TensorType.INT8, shape, data, quant);
    }

    public int uint8Constant(String name, int[] shape, Quant quant, int... values) {
        byte[] data = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            data[i] = (byte) values[i];
        }
        return constant(name, TensorType.UINT8, shape, data, quant);
    }

    public int int32Constant(String name, int[] shape, int... values) {
        ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (int v : values) {
            b.putInt(v);
        }
        return constant(name, TensorType.INT32, shape, b.array(), null);
    }

    public int floatConstant(String name, int[] shape, float... values) {
        ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            b.putFloat(v);
        }
        return constant(name, TensorType.FLOAT32, shape, b.array(), null);
    }

    private int addTensor(String name, TensorType type, int[] shape, int buffer, Quant quant) {
        Table t = new Table().addIntVector(0, shape).addByte(1, type.code()).addInt(2, buffer).addString(3, name);
        if (quant != null) {
            t.addTable(4, new Table().addFloatVector(2, quant.scales()).addLongVector(3, quant.zeroPoints())
                    .addInt(6, quant.dimension()));
        }
        tensors.add(t);
        return tensors.size() - 1;
    }

    /** Adds an operator; {@code options} may be null. */
    public TestModel op(int builtinCode, int optionsType, Table options, int[] in, int... out) {
        return addOperator(builtinCode, null, optionsType, options, in, out);
    }

    public TestModel custom(String name, int[] in, int... out) {
        return addOperator(BuiltinOperator.CUSTOM, name, 0, null, in, out);
    }

    /** A custom operator whose options are a FlexBuffer map. */
    public TestModel custom(String name, java.util.Map<String, ?> options, int[] in, int... out) {
        customOptions = FlexBufferMapWriter.write(options);
        try {
            return addOperator(BuiltinOperator.CUSTOM, name, 0, null, in, out);
        } finally {
            customOptions = null;
        }
    }

    private byte[] customOptions;

    public int int16Constant(String name, int[] shape, int... values) {
        ByteBuffer b = ByteBuffer.allocate(2 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (int v : values) {
            b.putShort((short) v);
        }
        return constant(name, TensorType.INT16, shape, b.array(), null);
    }

    private TestModel addOperator(int code, String custom, int optionsType, Table options, int[] in, int[] out) {
        String key = code + "/" + custom;
        Integer index = opcodes.get(key);
        if (index == null) {
            Table opcode = new Table().addByte(0, Math.min(code, 127)).addInt(2, 1).addInt(3, code);
            if (custom != null) {
                opcode.addString(1, custom);
            }
            opcodeTables.add(opcode);
            index = opcodeTables.size() - 1;
            opcodes.put(key, index);
        }
        Table op = new Table().addInt(0, index).addIntVector(1, in).addIntVector(2, out);
        if (options != null) {
            op.addByte(3, optionsType).addTable(4, options);
        }
        if (customOptions != null) {
            op.addByteVector(5, customOptions);
        }
        operators.add(op);
        return this;
    }

    public TestModel inputs(int... tensorIndices) {
        inputs = tensorIndices;
        return this;
    }

    public TestModel outputs(int... tensorIndices) {
        outputs = tensorIndices;
        return this;
    }

    public byte[] bytes() {
        Table subgraph = new Table().addTableVector(0, tensors).addIntVector(1, inputs).addIntVector(2, outputs)
                .addTableVector(3, operators).addString(4, "main");
        Table model = new Table().addInt(0, 3).addTableVector(1, opcodeTables).addTableVector(2, List.of(subgraph))
                .addString(3, "berth test model").addTableVector(4, buffers);
        return FlatBufferWriter.finish(model, "TFL3");
    }

    public TfliteModel model() {
        return TfliteModel.read(bytes());
    }

    public MicroInterpreter interpreter() {
        return MicroInterpreter.create(model());
    }

    // Options tables.

    public static Table conv(int padding, int strideW, int strideH, int activation) {
        return new Table().addByte(0, padding).addInt(1, strideW).addInt(2, strideH).addByte(3, activation);
    }

    public static Table depthwise(int padding, int strideW, int strideH, int multiplier, int activation) {
        return new Table().addByte(0, padding).addInt(1, strideW).addInt(2, strideH).addInt(3, multiplier)
                .addByte(4, activation);
    }

    public static Table pool(int padding, int strideW, int strideH, int filterW, int filterH, int activation) {
        return new Table().addByte(0, padding).addInt(1, strideW).addInt(2, strideH).addInt(3, filterW)
                .addInt(4, filterH).addByte(5, activation);
    }

    public static Table fullyConnected(int activation) {
        return new Table().addByte(0, activation);
    }

    public static Table softmax(float beta) {
        return new Table().addFloat(0, beta);
    }

    public static Table add(int activation) {
        return new Table().addByte(0, activation);
    }

    public static int[] shape(int... dims) {
        return dims;
    }
}
