package dev.berth.tiny.tflite;

import dev.berth.tiny.TinyException;
import dev.berth.tiny.flatbuffer.FlatTable;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A TensorFlow Lite model read from its flatbuffer: the main subgraph's tensors (with constant data copied out)
 * and operators in execution order. Field numbers follow the schema: Model {version 0, operator_codes 1,
 * subgraphs 2, description 3, buffers 4}; SubGraph {tensors 0, inputs 1, outputs 2, operators 3, name 4}; ...
 */
public record TfliteModel(int schemaVersion, String description, List<TensorSpec> tensors,
                          List<OperatorSpec> operators, int[] inputs, int[] outputs, int subgraphCount) {

    public static TfliteModel read(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new TinyException("cannot read model " + file + ": " + e.getMessage(), e);
        }
        try {
            return read(bytes);
        } catch (TinyException e) {
            throw new TinyException(file.getFileName() + ": " + e.getMessage(), e);
        }
    }

    public static TfliteModel read(byte[] bytes) {
        String identifier = FlatTable.fileIdentifier(bytes);
        if (!identifier.isEmpty() && !identifier.equals("TFL3")) {
            throw new TinyException("not a TensorFlow Lite model: file identifier is \"" + identifier
                    + "\", expected \"TFL3\"");
        }
        FlatTable model = FlatTable.root(bytes);
        int version = model.getInt(0, 0);
        List<FlatTable> subgraphs = model.getTableVector(2);
        if (subgraphs.isEmpty()) {
            throw new TinyException("the model has no subgraph");
        }
        List<FlatTable> buffers = model.getTableVector(4);
        List<FlatTable> codes = model.getTableVector(1);
        FlatTable graph = subgraphs.getFirst();

        List<FlatTable> tensorTables = graph.getTableVector(0);
        List<TensorSpec> tensors = new ArrayList<>(tensorTables.size());
        for (int i = 0; i < tensorTables.size(); i++) {
            tensors.add(readTensor(i, tensorTables.get(i), buffers, bytes));
        }
        List<FlatTable> operatorTables = graph.getTableVector(3);
        List<OperatorSpec> operators = new ArrayList<>(operatorTables.size());
        for (int i = 0; i < operatorTables.size(); i++) {
            operators.add(readOperator(i, operatorTables.get(i), codes, tensors.size()));
        }
        int[] inputs = graph.getIntVector(1);
        int[] outputs = graph.getIntVector(2);
        checkIndices("subgraph input", inputs, tensors.size(), false);
        checkIndices("subgraph output", outputs, tensors.size(), false);
        return new TfliteModel(version, model.getString(3), List.copyOf(tensors), List.copyOf(operators), inputs,
                outputs, subgraphs.size());
    }

    /** The distinct operator names of the graph, in first-use order. */
    public Set<String> operatorNames() {
        Set<String> names = new LinkedHashSet<>();
        operators.forEach(op -> names.add(op.opName()));
        return names;
    }

    public TensorSpec tensor(int index) {
        return tensors.get(index);
    }

    private static TensorSpec readTensor(int index, FlatTable table, List<FlatTable> buffers, byte[] file) {
        int[] shape = table.getIntVector(0);
        for (int d : shape) {
            if (d < 0) {
                throw new TinyException("tensor " + index + " has a dynamic shape " + Arrays.toString(shape)
                        + "; only fixed shapes are supported");
            }
        }
        TensorType type = TensorType.fromCode(table.getByte(1, (byte) 0));
        int bufferIndex = table.getInt(2, 0);
        if (bufferIndex < 0 || (bufferIndex > 0 && bufferIndex >= buffers.size())) {
            throw new TinyException("tensor " + index + " refers to buffer " + Integer.toUnsignedString(bufferIndex)
                    + " but the model has " + buffers.size());
        }
        byte[] data = bufferIndex == 0 ? null : bufferData(buffers.get(bufferIndex), file);
        String name = table.getString(3);
        FlatTable q = table.getTable(4);
        Quantization quantization = Quantization.NONE;
        if (q != null && q.vectorLength(2) > 0) {
            float[] scales = q.getFloatVector(2);
            long[] zeros = q.getLongVector(3);
            int[] zeroPoints = new int[scales.length];
            for (int i = 0; i < zeroPoints.length; i++) {
                zeroPoints[i] = zeros.length == 0 ? 0 : (int) zeros[Math.min(i, zeros.length - 1)];
            }
            quantization = new Quantization(scales, zeroPoints, q.getInt(6, 0));
        }
        if (table.has(6)) {
            throw new TinyException("tensor " + index + " is sparse; sparse tensors are not supported");
        }
        TensorSpec spec = new TensorSpec(index, name, type, shape, data, quantization, table.getBool(5, false));
        if (data != null && data.length != (long) spec.elementCount() * type.bytes() && type != TensorType.STRING) {
            throw new TinyException(spec.describe() + " has " + data.length + " bytes of data, expected "
                    + (long) spec.elementCount() * type.bytes());
        }
        return spec;
    }

    /** Buffer {data 0, offset 1, size 2}: data inline, or (for models over 2 GB) at an offset in the file. */
    private static byte[] bufferData(FlatTable buffer, byte[] file) {
        byte[] inline = buffer.getByteVector(0);
        if (inline != null && inline.length > 0) {
            return inline;
        }
        long offset = buffer.getLong(1, 0);
        long size = buffer.getLong(2, 0);
        if (offset > 1) {
            if (offset + size > file.length) {
                throw new TinyException("a buffer at offset " + offset + " of " + size + " bytes runs past the end of "
                        + "the file");
            }
            return Arrays.copyOfRange(file, (int) offset, (int) (offset + size));
        }
        return null;
    }

    private static OperatorSpec readOperator(int index, FlatTable table, List<FlatTable> codes, int tensorCount) {
        int opcodeIndex = table.getInt(0, 0);
        if (opcodeIndex < 0 || opcodeIndex >= codes.size()) {
            throw new TinyException("operator " + index + " uses operator code " + opcodeIndex + " but the model has "
                    + codes.size());
        }
        FlatTable code = codes.get(opcodeIndex);
        // Older files leave builtin_code (field 3) at 0 and keep the code in deprecated_builtin_code (field 0).
        int builtin = Math.max(code.getByte(0, (byte) 0), code.getInt(3, 0));
        String custom = code.getString(1);
        int[] inputs = table.getIntVector(1);
        int[] outputs = table.getIntVector(2);
        String where = "operator " + index + " (" + (builtin == BuiltinOperator.CUSTOM ? custom
                : BuiltinOperator.name(builtin)) + ")";
        checkIndices(where + " input", inputs, tensorCount, true);
        checkIndices(where + " output", outputs, tensorCount, false);
        int optionsType = Byte.toUnsignedInt(table.getByte(3, (byte) 0));
        FlatTable options = optionsType == 0 ? null : table.getTable(4);
        return new OperatorSpec(index, builtin, custom, code.getInt(2, 1), inputs, outputs, optionsType, options,
                table.getByteVector(5));
    }

    private static void checkIndices(String what, int[] indices, int tensorCount, boolean optional) {
        for (int i : indices) {
            if (i >= tensorCount || (i < 0 && !(optional && i == -1))) {
                throw new TinyException(what + " refers to tensor " + i + " but the graph has " + tensorCount);
            }
        }
    }
}
