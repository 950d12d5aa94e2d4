package dev.berth.tiny.interpreter;

import com.sun.management.ThreadMXBean;
import dev.berth.tiny.TinyException;
import dev.berth.tiny.testing.TestModel;
import dev.berth.tiny.testing.TestModel.Quant;
import dev.berth.tiny.tflite.BuiltinOperator;
import dev.berth.tiny.tflite.TensorType;
import dev.berth.tiny.tflite.TfliteModel;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.Arrays;

import static dev.berth.tiny.testing.TestModel.shape;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MicroInterpreterTest {

    /** conv -> avg pool -> reshape -> fully connected -> softmax, int8, with a quantize at the front. */
    private static TestModel smallNetwork() {
        TestModel m = new TestModel();
        int x = m.tensor("x", TensorType.FLOAT32, shape(1, 4, 4, 1), null);
        int q = m.tensor("q", TensorType.INT8, shape(1, 4, 4, 1), Quant.of(0.1f, 0));
        int w = m.int8Constant("w", shape(2, 2, 2, 1), Quant.perChannel(0, 0.05f, 0.05f),
                10, 20, -10, 5, -20, 10, 10, 3);
        int c = m.tensor("c", TensorType.INT8, shape(1, 4, 4, 2), Quant.of(0.05f, -128));
        int p = m.tensor("p", TensorType.INT8, shape(1, 2, 2, 2), Quant.of(0.05f, -128));
        int r = m.tensor("r", TensorType.INT8, shape(1, 8), Quant.of(0.05f, -128));
        int fw = m.int8Constant("fw", shape(3, 8), Quant.of(0.02f, 0),
                1, 2, 3, 4, 5, 6, 7, 8, -8, -7, -6, -5, -4, -3, -2, -1, 20, -20, 20, -20, 20, -20, 20, -20);
        int fb = m.int32Constant("fb", shape(3), 100, -100, 0);
        int logits = m.tensor("logits", TensorType.INT8, shape(1, 3), Quant.of(0.1f, 0));
        int probs = m.tensor("probs", TensorType.INT8, shape(1, 3), Quant.of(1f / 256, -128));
        m.op(BuiltinOperator.QUANTIZE, 0, null, new int[] {x}, q)
                .op(BuiltinOperator.CONV_2D, TestModel.CONV_2D_OPTIONS, TestModel.conv(TestModel.SAME, 1, 1, TestModel.RELU),
                        new int[] {q, w, -1}, c)
                .op(BuiltinOperator.AVERAGE_POOL_2D, TestModel.POOL_2D_OPTIONS, TestModel.pool(TestModel.VALID, 2, 2, 2, 2, 0),
                        new int[] {c}, p)
                .op(BuiltinOperator.RESHAPE, 0, null, new int[] {p}, r)
                .op(BuiltinOperator.FULLY_CONNECTED, TestModel.FULLY_CONNECTED_OPTIONS, TestModel.fullyConnected(0),
                        new int[] {r, fw, fb}, logits)
                .op(BuiltinOperator.SOFTMAX, TestModel.SOFTMAX_OPTIONS, TestModel.softmax(1f), new int[] {logits}, probs)
                .inputs(x).outputs(probs);
        return m;
    }

    @Test
    void invokeAllocatesNothing() {
        MicroInterpreter interpreter = smallNetwork().interpreter();
        float[] image = new float[16];
        Arrays.fill(image, 0.5f);
        interpreter.setInput(0, image);
        for (int i = 0; i < 20_000; i++) { // let the JIT compile the kernels
            interpreter.invoke();
        }
        ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        long thread = Thread.currentThread().threadId();
        long before = threads.getThreadAllocatedBytes(thread);
        for (int i = 0; i < 10_000; i++) {
            interpreter.invoke();
        }
        long allocated = threads.getThreadAllocatedBytes(thread) - before;
        // the measurement itself may allocate a few bytes; 10,000 inferences allocating anything would show
        assertThat(allocated).as("bytes allocated by 10,000 invokes").isLessThan(1024);
    }

    @Test
    void theArenaHoldsOnlyWhatIsAliveAtOnce() {
        MicroInterpreter interpreter = smallNetwork().interpreter();
        // 16-byte aligned sizes: x 64, q 16, c 32, p 16, r 16, logits 16, probs 16
        assertThat(interpreter.arenaPlan().naiveBytes()).isEqualTo(176);
        // lifetimes x 0..0, q 0..1, c 1..2, p 2..3, r 3..4, logits 4..5, probs 5..5. Largest first: x at 0, c at 0
        // (x is dead by op 1), q after both at 64, p at 32 (beside c), r at 0, logits at 16, probs at 0.
        assertThat(interpreter.arenaBytes()).isEqualTo(80);
        assertThat(interpreter.input(0).offset).isZero();
        assertThat(interpreter.output(0).offset).isZero();
    }

    @Test
    void runsEndToEndAndRanksTheClasses() {
        MicroInterpreter interpreter = smallNetwork().interpreter();
        float[] image = new float[16];
        Arrays.fill(image, 1f);
        interpreter.setInput(0, image);
        interpreter.invoke();
        float[] probabilities = interpreter.outputValues(0);
        float sum = probabilities[0] + probabilities[1] + probabilities[2];
        assertThat(sum).isBetween(0.98f, 1.02f);
        // class 0 has positive weights and a positive bias, class 1 the opposite
        assertThat(probabilities[0]).isGreaterThan(probabilities[1]);
    }

    @Test
    void unsupportedOperatorsAreNamedAtLoadTime() {
        TestModel m = new TestModel();
        int a = m.tensor("a", TensorType.FLOAT32, shape(4), null);
        int b = m.tensor("b", TensorType.FLOAT32, shape(4), null);
        int c = m.tensor("c", TensorType.FLOAT32, shape(4), null);
        int d = m.tensor("d", TensorType.FLOAT32, shape(4), null);
        m.op(14 /* LOGISTIC */, 0, null, new int[] {a}, b)
                .custom("MyFancyOp", new int[] {b}, c)
                .op(14, 0, null, new int[] {c}, d)
                .inputs(a).outputs(d);
        assertThatThrownBy(m::interpreter).isInstanceOf(TinyException.class)
                .hasMessageStartingWith("the model uses operators Berth's interpreter does not support: "
                        + "LOGISTIC (operators 0, 2), MyFancyOp (operator 1); supported: ")
                .hasMessageContaining("CONV_2D");
    }

    @Test
    void aTruncatedModelIsRefusedWithAClearMessage() {
        byte[] bytes = smallNetwork().bytes();
        for (int length : new int[] {0, 7, 100, bytes.length / 2, bytes.length - 1}) {
            assertThatThrownBy(() -> MicroInterpreter.create(TfliteModel.read(Arrays.copyOf(bytes, length))))
                    .as("first %d bytes", length).isInstanceOf(TinyException.class);
        }
    }

    @Test
    void notATfliteFile() {
        byte[] bytes = "PK\u0003\u0004 this is a zip file, not a model".getBytes();
        assertThatThrownBy(() -> TfliteModel.read(bytes)).isInstanceOf(TinyException.class)
                .hasMessageContaining("not a TensorFlow Lite model");
    }

    @Test
    void wrongInputSizeIsRefused() {
        MicroInterpreter interpreter = smallNetwork().interpreter();
        assertThatThrownBy(() -> interpreter.setInput(0, new float[3])).isInstanceOf(TinyException.class)
                .hasMessageContaining("holds 16 values, got 3");
        assertThatThrownBy(() -> interpreter.input(1)).isInstanceOf(TinyException.class)
                .hasMessage("the model has 1 input, not 2");
    }
}
