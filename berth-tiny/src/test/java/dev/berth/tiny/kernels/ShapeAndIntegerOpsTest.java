package dev.berth.tiny.kernels;

import dev.berth.tiny.interpreter.MicroInterpreter;
import dev.berth.tiny.flatbuffer.FlatBufferWriter.Table;
import dev.berth.tiny.testing.TestModel;
import dev.berth.tiny.testing.TestModel.Quant;
import dev.berth.tiny.tflite.BuiltinOperator;
import dev.berth.tiny.tflite.TensorType;
import org.junit.jupiter.api.Test;

import static dev.berth.tiny.testing.TestModel.shape;
import static org.assertj.core.api.Assertions.assertThat;

/** CAST, STRIDED_SLICE, CONCATENATION and the element-wise MUL, DIV, MINIMUM, MAXIMUM. */
class ShapeAndIntegerOpsTest {
    private static final int MUL_OPTIONS = 21;
    private static final int DIV_OPTIONS = 29;
    private static final int STRIDED_SLICE_OPTIONS = 32;
    private static final int CONCATENATION_OPTIONS = 10;

    /** micro_speech's feature scaling: clamp((x * 256 + 333) / 666 - 128, -128, 127) as int8, in int32 ops. */
    @Test
    void integerChainLikeTheAudioPreprocessorsTail() {
        TestModel m = new TestModel();
        int x = m.tensor("x", TensorType.INT16, shape(5), null);
        int wide = m.tensor("wide", TensorType.INT32, shape(5), null);
        int times = m.tensor("times", TensorType.INT32, shape(5), null);
        int plus = m.tensor("plus", TensorType.INT32, shape(5), null);
        int div = m.tensor("div", TensorType.INT32, shape(5), null);
        int shifted = m.tensor("shifted", TensorType.INT32, shape(5), null);
        int low = m.tensor("low", TensorType.INT32, shape(5), null);
        int high = m.tensor("high", TensorType.INT32, shape(5), null);
        int out = m.tensor("out", TensorType.INT8, shape(5), null);
        int c256 = m.int32Constant("256", shape(), 256);
        int c333 = m.int32Constant("333", shape(), 333);
        int c666 = m.int32Constant("666", shape(), 666);
        int cMinus128 = m.int32Constant("-128", shape(), -128);
        int c127 = m.int32Constant("127", shape(), 127);
        m.op(BuiltinOperator.CAST, 0, null, new int[] {x}, wide)
                .op(BuiltinOperator.MUL, MUL_OPTIONS, new Table(), new int[] {wide, c256}, times)
                .op(BuiltinOperator.ADD, TestModel.ADD_OPTIONS, new Table(), new int[] {times, c333}, plus)
                .op(BuiltinOperator.DIV, DIV_OPTIONS, new Table(), new int[] {plus, c666}, div)
                .op(BuiltinOperator.ADD, TestModel.ADD_OPTIONS, new Table(), new int[] {div, cMinus128}, shifted)
                .op(BuiltinOperator.MINIMUM, 0, null, new int[] {shifted, c127}, low)
                .op(BuiltinOperator.MAXIMUM, 0, null, new int[] {low, cMinus128}, high)
                .op(BuiltinOperator.CAST, 0, null, new int[] {high}, out)
                .inputs(x).outputs(out);
        MicroInterpreter chain = m.interpreter();
        chain.setInputQuantized(0, new int[] {0, 100, 1000, -5000, 500});
        chain.invoke();
        // 333/666 = 0; 25933/666 = 38; 256333/666 = 384 -> 127; -1279667/666 = -1921 -> -128; 128333/666 = 192 -> 64
        assertThat(chain.outputQuantized(0)).containsExactly(-128, -90, 127, -128, 64);
    }

    @Test
    void integerDivisionTruncatesTowardZero() {
        TestModel m = new TestModel();
        int a = m.tensor("a", TensorType.INT32, shape(4), null);
        int b = m.int32Constant("b", shape(1), 2);
        int out = m.tensor("out", TensorType.INT32, shape(4), null);
        m.op(BuiltinOperator.DIV, DIV_OPTIONS, new Table(), new int[] {a, b}, out).inputs(a).outputs(out);
        MicroInterpreter div = m.interpreter();
        div.setInputQuantized(0, new int[] {-7, 7, -1, 9});
        div.invoke();
        assertThat(div.outputQuantized(0)).containsExactly(-3, 3, 0, 4);
    }

    @Test
    void int8MulRequantizes() {
        TestModel m = new TestModel();
        int a = m.tensor("a", TensorType.INT8, shape(2), Quant.of(0.5f, 0));
        int b = m.tensor("b", TensorType.INT8, shape(2), Quant.of(0.25f, 0));
        int out = m.tensor("out", TensorType.INT8, shape(2), Quant.of(0.5f, 1));
        m.op(BuiltinOperator.MUL, MUL_OPTIONS, new Table(), new int[] {a, b}, out).inputs(a, b).outputs(out);
        MicroInterpreter mul = m.interpreter();
        mul.setInputQuantized(0, new int[] {4, -6});
        mul.setInputQuantized(1, new int[] {8, 8});
        mul.invoke();
        assertThat(mul.outputQuantized(0)).containsExactly(9, -11); // 2*2 = 4, -3*2 = -6 at scale 0.5, zp 1
    }

    @Test
    void floatMinimumMaximumAndMul() {
        TestModel m = new TestModel();
        int a = m.tensor("a", TensorType.FLOAT32, shape(3), null);
        int b = m.floatConstant("b", shape(3), 1f, -1f, 0.5f);
        int min = m.tensor("min", TensorType.FLOAT32, shape(3), null);
        int max = m.tensor("max", TensorType.FLOAT32, shape(3), null);
        int product = m.tensor("product", TensorType.FLOAT32, shape(3), null);
        m.op(BuiltinOperator.MINIMUM, 0, null, new int[] {a, b}, min)
                .op(BuiltinOperator.MAXIMUM, 0, null, new int[] {a, b}, max)
                .op(BuiltinOperator.MUL, MUL_OPTIONS, new Table(), new int[] {min, max}, product)
                .inputs(a).outputs(product);
        MicroInterpreter ops = m.interpreter();
        ops.setInput(0, new float[] {2f, -3f, 0.5f});
        ops.invoke();
        assertThat(ops.outputValues(0)).containsExactly(2f, 3f, 0.25f);
    }

    @Test
    void stridedSliceWithMasksAndNegativeIndices() {
        TestModel m = new TestModel();
        int in = m.tensor("in", TensorType.INT32, shape(2, 6), null);
        int begin = m.int32Constant("begin", shape(2), 0, 1);
        int end = m.int32Constant("end", shape(2), 1, -1);
        int strides = m.int32Constant("strides", shape(2), 1, 2);
        int out = m.tensor("out", TensorType.INT32, shape(2, 2), null);
        Table options = new Table().addInt(0, 1).addInt(1, 1); // begin and end masks on axis 0: take all rows
        m.op(BuiltinOperator.STRIDED_SLICE, STRIDED_SLICE_OPTIONS, options, new int[] {in, begin, end, strides}, out)
                .inputs(in).outputs(out);
        MicroInterpreter slice = m.interpreter();
        slice.setInputQuantized(0, new int[] {0, 1, 2, 3, 4, 5, 10, 11, 12, 13, 14, 15});
        slice.invoke();
        assertThat(slice.outputQuantized(0)).containsExactly(1, 3, 11, 13); // columns 1 and 3 of 1..4
    }

    @Test
    void concatenationAlongTheLastAxis() {
        TestModel m = new TestModel();
        int a = m.tensor("a", TensorType.INT16, shape(2, 1), null);
        int b = m.int16Constant("b", shape(2, 2), 7, 8, 9, 10);
        int out = m.tensor("out", TensorType.INT16, shape(2, 3), null);
        m.op(BuiltinOperator.CONCATENATION, CONCATENATION_OPTIONS, new Table().addInt(0, -1), new int[] {a, b}, out)
                .inputs(a).outputs(out);
        MicroInterpreter concat = m.interpreter();
        concat.setInputQuantized(0, new int[] {1, 2});
        concat.invoke();
        assertThat(concat.outputQuantized(0)).containsExactly(1, 7, 8, 2, 9, 10);
    }

    @Test
    void castKeepsUnsignedBitsAndTruncatesFloats() {
        TestModel m = new TestModel();
        int in = m.tensor("in", TensorType.FLOAT32, shape(3), null);
        int wide = m.tensor("wide", TensorType.INT32, shape(3), null);
        int narrow = m.tensor("narrow", TensorType.INT8, shape(3), null);
        m.op(BuiltinOperator.CAST, 0, null, new int[] {in}, wide)
                .op(BuiltinOperator.CAST, 0, null, new int[] {wide}, narrow).inputs(in).outputs(narrow);
        MicroInterpreter cast = m.interpreter();
        cast.setInput(0, new float[] {-2.7f, 3.9f, 300f});
        cast.invoke();
        assertThat(cast.outputQuantized(0)).containsExactly(-2, 3, 44); // 300 wraps to 44 in 8 bits
    }
}
