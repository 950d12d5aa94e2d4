package dev.berth.model.packaging;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Tiny ONNX models written as protobuf bytes by hand, so packaging tests need no Python and no downloaded model: a
 * linear classifier {@code scores = features × weights}, {@code label = argmax(scores)}, whose weights make each
 * "version" a different file.
 */
final class OnnxModels {
    private static final int FLOAT = 1;
    private static final int INT64 = 7;

    private OnnxModels() {
    }

    /** features FP32 [batch, 4] → scores FP32 [batch, 3] and label INT64 [batch]; batch is open unless fixed. */
    static byte[] classifier(float seed, boolean openBatch) {
        float[] weights = new float[12];
        for (int i = 0; i < weights.length; i++) {
            weights[i] = seed * (i % 5 - 2) + i * 0.25f;
        }
        Proto batch = openBatch ? new Proto().string(2, "batch") : new Proto().int64(1, 1);
        Proto graph = new Proto()
                .message(1, node("matmul", "MatMul", new String[] {"features", "weights"}, "scores", null))
                .message(1, node("argmax", "ArgMax", new String[] {"scores"}, "label",
                        new Proto[] {attribute("axis", 1), attribute("keepdims", 0)}))
                .string(2, "berth-test-classifier")
                .message(5, new Proto().int64(1, 4).int64(1, 3).int64(2, FLOAT).floats(4, weights).string(8, "weights"))
                .message(11, value("features", FLOAT, batch, new Proto().int64(1, 4)))
                .message(12, value("scores", FLOAT, batch, new Proto().int64(1, 3)))
                .message(12, value("label", INT64, batch));
        return new Proto()
                .int64(1, 7) // ir_version
                .string(2, "berth-tests")
                .message(7, graph)
                .message(8, new Proto().string(1, "").int64(2, 13)) // opset 13 of the default domain
                .bytes();
    }

    static Path write(Path file, byte[] model) throws Exception {
        Files.createDirectories(file.getParent());
        Files.write(file, model);
        return file;
    }

    private static Proto node(String name, String op, String[] inputs, String output, Proto[] attributes) {
        Proto node = new Proto();
        for (String input : inputs) {
            node.string(1, input);
        }
        node.string(2, output).string(3, name).string(4, op);
        if (attributes != null) {
            for (Proto a : attributes) {
                node.message(5, a);
            }
        }
        return node;
    }

    private static Proto attribute(String name, long value) {
        return new Proto().string(1, name).int64(3, value).int64(20, 2); // type INT
    }

    private static Proto value(String name, int elementType, Proto... dims) {
        Proto shape = new Proto();
        for (Proto dim : dims) {
            shape.message(1, dim);
        }
        Proto tensor = new Proto().int64(1, elementType).message(2, shape);
        return new Proto().string(1, name).message(2, new Proto().message(1, tensor));
    }

    /** A protobuf message being written: fields in the order they are added. */
    static final class Proto {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Proto int64(int field, long value) {
            varint((long) field << 3);
            varint(value);
            return this;
        }

        Proto string(int field, String value) {
            return raw(field, value.getBytes(StandardCharsets.UTF_8));
        }

        Proto message(int field, Proto message) {
            return raw(field, message.bytes());
        }

        Proto floats(int field, float[] values) {
            ByteBuffer buffer = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
            for (float v : values) {
                buffer.putFloat(v);
            }
            return raw(field, buffer.array());
        }

        Proto raw(int field, byte[] value) {
            varint((long) field << 3 | 2);
            varint(value.length);
            out.writeBytes(value);
            return this;
        }

        byte[] bytes() {
            return out.toByteArray();
        }

        private void varint(long value) {
            while ((value & ~0x7FL) != 0) {
                out.write((int) (value & 0x7F) | 0x80);
                value >>>= 7;
            }
            out.write((int) value);
        }
    }
}
