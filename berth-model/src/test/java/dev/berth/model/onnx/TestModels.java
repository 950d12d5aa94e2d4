package dev.berth.model.onnx;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Tiny ONNX models written byte by byte for the tests, and where the committed example models live.
 */
public final class TestModels {
    private TestModels() {
    }

    /** The repository root (surefire sets BERTH_REPO_ROOT; running from the module directory works too). */
    public static Path repoRoot() {
        String env = System.getenv("BERTH_REPO_ROOT");
        if (env != null) {
            return Path.of(env);
        }
        Path here = Path.of("").toAbsolutePath();
        return Files.isDirectory(here.resolve("examples")) ? here : here.getParent();
    }

    public static Path irisV1() {
        return repoRoot().resolve("examples/models/iris-v1.onnx");
    }

    public static Path irisV2() {
        return repoRoot().resolve("examples/models/iris-v2.onnx");
    }

    /** A model passing input "x" of the given type and shape [-1, 2] (dynamic batch) through Identity to output "y". */
    public static byte[] identity(Datatype type) {
        return identity(type, new long[] {-1, 2});
    }

    /** Identity with a chosen input shape; -1 marks a dynamic dimension. */
    public static byte[] identity(Datatype type, long[] shape) {
        ProtobufWriter node = new ProtobufWriter()
                .string(1, "x")
                .string(2, "y")
                .string(3, "identity")
                .string(4, "Identity");
        ProtobufWriter graph = new ProtobufWriter()
                .message(1, node)
                .string(2, "identity_" + type.name().toLowerCase())
                .message(11, valueInfo("x", type, shape))
                .message(12, valueInfo("y", type, shape));
        return model(graph);
    }

    /** Two inputs a and b of FP32 [-1, 3], output sum = a + b and a second output prod = a * b. */
    public static byte[] addMul() {
        long[] shape = {-1, 3};
        ProtobufWriter add = new ProtobufWriter().string(1, "a").string(1, "b").string(2, "sum").string(3, "add").string(4, "Add");
        ProtobufWriter mul = new ProtobufWriter().string(1, "a").string(1, "b").string(2, "prod").string(3, "mul").string(4, "Mul");
        ProtobufWriter graph = new ProtobufWriter()
                .message(1, add)
                .message(1, mul)
                .string(2, "add_mul")
                .message(11, valueInfo("a", Datatype.FP32, shape))
                .message(11, valueInfo("b", Datatype.FP32, shape))
                .message(12, valueInfo("sum", Datatype.FP32, shape))
                .message(12, valueInfo("prod", Datatype.FP32, shape));
        return model(graph);
    }

    static ProtobufWriter valueInfo(String name, Datatype type, long[] shape) {
        ProtobufWriter dims = new ProtobufWriter();
        for (long d : shape) {
            ProtobufWriter dim = new ProtobufWriter();
            if (d < 0) {
                dim.string(2, "batch");
            } else {
                dim.varint(1, d);
            }
            dims.message(1, dim);
        }
        ProtobufWriter tensorType = new ProtobufWriter().varint(1, type.onnxElementType()).message(2, dims);
        ProtobufWriter typeProto = new ProtobufWriter().message(1, tensorType);
        return new ProtobufWriter().string(1, name).message(2, typeProto);
    }

    static byte[] model(ProtobufWriter graph) {
        ProtobufWriter opset = new ProtobufWriter().string(1, "").varint(2, 13);
        return new ProtobufWriter()
                .varint(1, 8)
                .string(2, "berth-tests")
                .message(7, graph)
                .message(8, opset)
                .toByteArray();
    }

    public static Path write(Path dir, String fileName, byte[] model) throws IOException {
        Path file = dir.resolve(fileName);
        Files.createDirectories(dir);
        Files.write(file, model);
        return file;
    }
}
