package dev.berth.tiny.testing;

import dev.berth.tiny.tflite.BuiltinOperator;
import dev.berth.tiny.tflite.TensorType;

/** A float32 model y = w·x + b over [1, 1] tensors: one FULLY_CONNECTED with known weights. */
public final class AffineModel {
    private AffineModel() {
    }

    public static byte[] bytes(float w, float b) {
        TestModel m = new TestModel();
        int in = m.tensor("x", TensorType.FLOAT32, new int[] {1, 1}, null);
        int weights = m.floatConstant("w", new int[] {1, 1}, w);
        int bias = m.floatConstant("b", new int[] {1}, b);
        int out = m.tensor("y", TensorType.FLOAT32, new int[] {1, 1}, null);
        m.op(BuiltinOperator.FULLY_CONNECTED, TestModel.FULLY_CONNECTED_OPTIONS, TestModel.fullyConnected(TestModel.NONE),
                new int[] {in, weights, bias}, out);
        return m.inputs(in).outputs(out).bytes();
    }
}
