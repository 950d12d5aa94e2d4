package dev.berth.tiny.bench;

import dev.berth.tiny.TinyException;
import dev.berth.tiny.flatbuffer.FlatTable;
import dev.berth.tiny.tflite.BuiltinOperator;
import dev.berth.tiny.tflite.OperatorSpec;
import dev.berth.tiny.tflite.Quantization;
import dev.berth.tiny.tflite.TensorSpec;
import dev.berth.tiny.tflite.TensorType;
import dev.berth.tiny.tflite.TfliteModel;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Translates the TFLite graphs of the benchmark (convolutions, depthwise convolutions, fully connected, pooling,
 * softmax, reshape, add, quantize/dequantize) into an ONNX model, so ONNX Runtime can run the same network as a
 * native peer. Quantized tensors become QDQ pairs (QuantizeLinear then DequantizeLinear with the tensor's scale and
 * zero point, weights per channel), the form ONNX Runtime fuses into its integer kernels (QLinearConv, QGemm ...).
 * 4-D tensors are NCHW inside the ONNX graph; inputs and outputs keep the TFLite layout. Benchmark use only: its
 * int8 rounding is ONNX Runtime's, not TFLM's.
 */
final class OnnxExport {
    private static final int FLOAT = 1;
    private static final int UINT8 = 2;
    private static final int INT8 = 3;
    private static final int INT32 = 6;
    private static final int INT64 = 7;

    private final TfliteModel model;
    private final List<Protobuf> nodes = new ArrayList<>();
    private final List<Protobuf> initializers = new ArrayList<>();
    private int counter;

    private OnnxExport(TfliteModel model) {
        this.model = model;
    }

    static byte[] convert(TfliteModel model) {
        return new OnnxExport(model).build();
    }

    private byte[] build() {
        Protobuf graph = new Protobuf();
        for (int i : model.inputs()) {
            TensorSpec t = model.tensor(i);
            String name = "in" + i;
            graph.message(11, valueInfo(name, elementType(t), t.shape()));
            String value = quantized(t) ? dequantize(name, t) : name;
            value = t.shape().length == 4 ? transpose(value, 0, 3, 1, 2) : value;
            node("Identity", List.of(value), List.of(real(i)));
        }
        for (OperatorSpec op : model.operators()) {
            translate(op);
        }
        for (int i : model.outputs()) {
            TensorSpec t = model.tensor(i);
            String value = t.shape().length == 4 ? transpose(real(i), 0, 2, 3, 1) : real(i);
            String name = "out" + i;
            if (quantized(t)) {
                node("QuantizeLinear", List.of(value, scaleConst(t.quantization(), false), zeroConst(t)), List.of(name));
            } else {
                node("Identity", List.of(value), List.of(name));
            }
            graph.message(12, valueInfo(name, elementType(t), t.shape()));
        }
        nodes.forEach(n -> graph.message(1, n));
        initializers.forEach(t -> graph.message(5, t));
        graph.string(2, "berth-export");
        return new Protobuf()
                .varint(1, 7)
                .string(2, "berth")
                .message(8, new Protobuf().string(1, "").varint(2, 13))
                .message(7, graph)
                .toByteArray();
    }

    private static String real(int tensor) {
        return "t" + tensor;
    }

    private static boolean quantized(TensorSpec t) {
        return (t.type() == TensorType.INT8 || t.type() == TensorType.UINT8) && t.quantization().isPresent();
    }

    private static int elementType(TensorSpec t) {
        return switch (t.type()) {
            case FLOAT32 -> FLOAT;
            case INT8 -> INT8;
            case UINT8 -> UINT8;
            case INT32 -> INT32;
            default -> throw new TinyException("no ONNX type for " + t.describe());
        };
    }

    /** Produces the value of {@code op}'s output: the float result, re-quantized when the output is quantized. */
    private void finish(String floatResult, int outputTensor, int activation) {
        String value = activate(floatResult, activation);
        TensorSpec t = model.tensor(outputTensor);
        if (quantized(t)) {
            String q = fresh("q");
            node("QuantizeLinear", List.of(value, scaleConst(t.quantization(), false), zeroConst(t)), List.of(q));
            value = dequantize(q, t);
        }
        node("Identity", List.of(value), List.of(real(outputTensor)));
    }

    private String activate(String value, int activation) {
        return switch (activation) {
            case 0 -> value;
            case 1 -> single("Relu", value);
            case 2 -> clip(value, -1f, 1f);
            case 3 -> clip(value, 0f, 6f);
            default -> throw new TinyException("activation " + activation + " has no ONNX translation here");
        };
    }

    private String clip(String value, float min, float max) {
        String out = fresh("clip");
        node("Clip", List.of(value, floatScalar(min), floatScalar(max)), List.of(out));
        return out;
    }

    private void translate(OperatorSpec op) {
        FlatTable o = op.builtinOptions();
        int[] in = op.inputs();
        int out = op.outputs()[0];
        switch (op.builtinCode()) {
            case BuiltinOperator.CONV_2D, BuiltinOperator.DEPTHWISE_CONV_2D -> {
                boolean depthwise = op.builtinCode() == BuiltinOperator.DEPTHWISE_CONV_2D;
                TensorSpec input = model.tensor(in[0]);
                TensorSpec filter = model.tensor(in[1]);
                TensorSpec output = model.tensor(out);
                int padding = o.getByte(0, (byte) 0);
                int strideW = o.getInt(1, 1);
                int strideH = o.getInt(2, 1);
                int activation = o.getByte(depthwise ? 4 : 3, (byte) 0);
                int dilationW = o.getInt(depthwise ? 5 : 4, 1);
                int dilationH = o.getInt(depthwise ? 6 : 5, 1);
                int[] fs = filter.shape();
                int oc = depthwise ? fs[3] : fs[0];
                int kh = fs[1];
                int kw = fs[2];
                int ic = depthwise ? 1 : fs[3];
                // TFLite [oc, kh, kw, ic] or [1, kh, kw, oc]  ->  ONNX [oc, ic, kh, kw]
                int[] dims = {oc, ic, kh, kw};
                int[] order = new int[oc * ic * kh * kw];
                for (int c = 0; c < oc; c++) {
                    for (int i = 0; i < ic; i++) {
                        for (int y = 0; y < kh; y++) {
                            for (int x = 0; x < kw; x++) {
                                order[((c * ic + i) * kh + y) * kw + x] = depthwise
                                        ? (y * kw + x) * oc + c : ((c * kh + y) * kw + x) * ic + i;
                            }
                        }
                    }
                }
                String weights = weights(filter, dims, order);
                List<String> inputs = new ArrayList<>(List.of(real(in[0]), weights));
                if (in.length > 2 && in[2] >= 0) {
                    inputs.add(bias(model.tensor(in[2]), input, filter));
                }
                int[] pads = {pad(padding, input.shape()[1], kh, strideH, dilationH, output.shape()[1]),
                    pad(padding, input.shape()[2], kw, strideW, dilationW, output.shape()[2])};
                int totalH = Math.max(0, (output.shape()[1] - 1) * strideH + (kh - 1) * dilationH + 1 - input.shape()[1]);
                int totalW = Math.max(0, (output.shape()[2] - 1) * strideW + (kw - 1) * dilationW + 1 - input.shape()[2]);
                if (padding == 1) {
                    totalH = 0;
                    totalW = 0;
                }
                String result = fresh("conv");
                Protobuf n = node("Conv", inputs, List.of(result));
                n.message(5, ints("strides", strideH, strideW));
                n.message(5, ints("dilations", dilationH, dilationW));
                n.message(5, ints("pads", pads[0], pads[1], totalH - pads[0], totalW - pads[1]));
                n.message(5, ints("kernel_shape", kh, kw));
                n.message(5, intAttr("group", depthwise ? input.shape()[3] : 1));
                finish(result, out, activation);
            }
            case BuiltinOperator.FULLY_CONNECTED -> {
                TensorSpec filter = model.tensor(in[1]);
                int[] dims = filter.shape();
                int[] order = new int[dims[0] * dims[1]];
                for (int i = 0; i < order.length; i++) {
                    order[i] = i;
                }
                String value = real(in[0]);
                int rank = model.tensor(in[0]).shape().length;
                if (rank == 4) {
                    value = transpose(value, 0, 2, 3, 1); // TFLite flattens NHWC
                }
                if (rank != 2) {
                    value = reshape(value, -1, dims[1]);
                }
                List<String> inputs = new ArrayList<>(List.of(value, weights(filter, dims, order)));
                if (in.length > 2 && in[2] >= 0) {
                    inputs.add(bias(model.tensor(in[2]), model.tensor(in[0]), filter));
                }
                String result = fresh("fc");
                node("Gemm", inputs, List.of(result)).message(5, intAttr("transB", 1));
                if (model.tensor(out).shape().length != 2) {
                    result = reshape(result, model.tensor(out).shape());
                }
                finish(result, out, o.getByte(0, (byte) 0));
            }
            case BuiltinOperator.AVERAGE_POOL_2D, BuiltinOperator.MAX_POOL_2D -> {
                TensorSpec input = model.tensor(in[0]);
                TensorSpec output = model.tensor(out);
                int padding = o.getByte(0, (byte) 0);
                int strideW = o.getInt(1, 1);
                int strideH = o.getInt(2, 1);
                int kw = o.getInt(3, 1);
                int kh = o.getInt(4, 1);
                int ph = pad(padding, input.shape()[1], kh, strideH, 1, output.shape()[1]);
                int pw = pad(padding, input.shape()[2], kw, strideW, 1, output.shape()[2]);
                int totalH = padding == 1 ? 0 : Math.max(0, (output.shape()[1] - 1) * strideH + kh - input.shape()[1]);
                int totalW = padding == 1 ? 0 : Math.max(0, (output.shape()[2] - 1) * strideW + kw - input.shape()[2]);
                String result = fresh("pool");
                boolean average = op.builtinCode() == BuiltinOperator.AVERAGE_POOL_2D;
                Protobuf n = node(average ? "AveragePool" : "MaxPool", List.of(real(in[0])), List.of(result));
                n.message(5, ints("kernel_shape", kh, kw));
                n.message(5, ints("strides", strideH, strideW));
                n.message(5, ints("pads", ph, pw, totalH - ph, totalW - pw));
                finish(result, out, o.getByte(5, (byte) 0));
            }
            case BuiltinOperator.SOFTMAX -> finish(single("Softmax", real(in[0])), out, 0);
            case BuiltinOperator.ADD -> {
                String result = fresh("add");
                node("Add", List.of(real(in[0]), real(in[1])), List.of(result));
                finish(result, out, o == null ? 0 : o.getByte(0, (byte) 0));
            }
            case BuiltinOperator.RESHAPE, BuiltinOperator.SQUEEZE, BuiltinOperator.EXPAND_DIMS -> {
                String value = real(in[0]);
                if (model.tensor(in[0]).shape().length == 4) {
                    value = transpose(value, 0, 2, 3, 1);
                }
                value = reshape(value, model.tensor(out).shape());
                if (model.tensor(out).shape().length == 4) {
                    value = transpose(value, 0, 3, 1, 2);
                }
                node("Identity", List.of(value), List.of(real(out)));
            }
            case BuiltinOperator.QUANTIZE -> finish(real(in[0]), out, 0);
            case BuiltinOperator.DEQUANTIZE -> node("Identity", List.of(real(in[0])), List.of(real(out)));
            default -> throw new TinyException("operator " + op.opName() + " has no ONNX translation here");
        }
    }

    private static int pad(int padding, int in, int k, int stride, int dilation, int out) {
        if (padding == 1) {
            return 0;
        }
        int total = (out - 1) * stride + (k - 1) * dilation + 1 - in;
        return Math.max(0, total) / 2;
    }

    /** A weight initializer in ONNX order (element i takes TFLite element order[i]), dequantized when quantized. */
    private String weights(TensorSpec filter, int[] dims, int[] order) {
        String name = fresh("w");
        if (filter.type() == TensorType.FLOAT32) {
            ByteBuffer source = ByteBuffer.wrap(filter.data()).order(ByteOrder.LITTLE_ENDIAN);
            ByteBuffer b = ByteBuffer.allocate(4 * order.length).order(ByteOrder.LITTLE_ENDIAN);
            for (int i : order) {
                b.putFloat(source.getFloat(4 * i));
            }
            initializer(name, FLOAT, dims, b.array());
            return name;
        }
        byte[] data = new byte[order.length];
        for (int i = 0; i < order.length; i++) {
            data[i] = filter.data()[order[i]];
        }
        initializer(name, elementType(filter), dims, data);
        Quantization q = filter.quantization();
        String out = fresh("wdq");
        List<String> inputs = List.of(name, scaleConst(q, q.isPerChannel()), zeroConst(filter));
        Protobuf n = node("DequantizeLinear", inputs, List.of(out));
        if (q.isPerChannel()) {
            n.message(5, intAttr("axis", 0));
        }
        return out;
    }

    /** A bias: float as is, int32 dequantized with input scale x filter scale per channel. */
    private String bias(TensorSpec bias, TensorSpec input, TensorSpec filter) {
        String name = fresh("b");
        int n = bias.shape()[0];
        if (bias.type() == TensorType.FLOAT32) {
            initializer(name, FLOAT, new int[] {n}, bias.data());
            return name;
        }
        initializer(name, INT32, new int[] {n}, bias.data());
        float[] scales = new float[n];
        float[] filterScales = filter.quantization().scales();
        for (int c = 0; c < n; c++) {
            scales[c] = input.quantization().scale() * filterScales[filterScales.length == 1 ? 0 : c];
        }
        String scale = fresh("bs");
        initializer(scale, FLOAT, new int[] {n}, floats(scales));
        String zero = fresh("bz");
        initializer(zero, INT32, new int[] {n}, new byte[4 * n]);
        String out = fresh("bdq");
        node("DequantizeLinear", List.of(name, scale, zero), List.of(out)).message(5, intAttr("axis", 0));
        return out;
    }

    private String dequantize(String quantizedName, TensorSpec t) {
        String out = fresh("dq");
        node("DequantizeLinear", List.of(quantizedName, scaleConst(t.quantization(), false), zeroConst(t)), List.of(out));
        return out;
    }

    private String scaleConst(Quantization q, boolean perChannel) {
        String name = fresh("s");
        if (perChannel) {
            initializer(name, FLOAT, new int[] {q.scales().length}, floats(q.scales()));
        } else {
            initializer(name, FLOAT, new int[0], floats(new float[] {q.scale()}));
        }
        return name;
    }

    private String zeroConst(TensorSpec t) {
        String name = fresh("z");
        Quantization q = t.quantization();
        if (q.isPerChannel()) {
            byte[] zeros = new byte[q.zeroPoints().length];
            for (int i = 0; i < zeros.length; i++) {
                zeros[i] = (byte) q.zeroPoints()[i];
            }
            initializer(name, elementType(t), new int[] {zeros.length}, zeros);
        } else {
            initializer(name, elementType(t), new int[0], new byte[] {(byte) q.zeroPoint()});
        }
        return name;
    }

    private String floatScalar(float value) {
        String name = fresh("f");
        initializer(name, FLOAT, new int[0], floats(new float[] {value}));
        return name;
    }

    private String reshape(String value, int... shape) {
        String name = fresh("shape");
        ByteBuffer b = ByteBuffer.allocate(8 * shape.length).order(ByteOrder.LITTLE_ENDIAN);
        for (int d : shape) {
            b.putLong(d);
        }
        initializer(name, INT64, new int[] {shape.length}, b.array());
        String out = fresh("reshape");
        node("Reshape", List.of(value, name), List.of(out));
        return out;
    }

    private String transpose(String value, int... perm) {
        String out = fresh("transpose");
        node("Transpose", List.of(value), List.of(out)).message(5, ints("perm", perm));
        return out;
    }

    private String single(String opType, String value) {
        String out = fresh(opType.toLowerCase(java.util.Locale.ROOT));
        node(opType, List.of(value), List.of(out));
        return out;
    }

    private Protobuf node(String opType, List<String> inputs, List<String> outputs) {
        Protobuf n = new Protobuf();
        inputs.forEach(i -> n.string(1, i));
        outputs.forEach(o -> n.string(2, o));
        n.string(3, fresh("n"));
        n.string(4, opType);
        nodes.add(n);
        return n;
    }

    private void initializer(String name, int type, int[] dims, byte[] raw) {
        Protobuf t = new Protobuf();
        for (int d : dims) {
            t.varint(1, d);
        }
        t.varint(2, type);
        t.string(8, name);
        t.bytes(9, raw);
        initializers.add(t);
    }

    private static Protobuf valueInfo(String name, int type, int[] shape) {
        Protobuf dims = new Protobuf();
        for (int d : shape) {
            dims.message(1, new Protobuf().varint(1, d));
        }
        Protobuf tensorType = new Protobuf().varint(1, type).message(2, dims);
        return new Protobuf().string(1, name).message(2, new Protobuf().message(1, tensorType));
    }

    private static Protobuf ints(String name, int... values) {
        Protobuf a = new Protobuf().string(1, name);
        for (int v : values) {
            a.varint(8, v);
        }
        return a.varint(20, 7);
    }

    private static Protobuf intAttr(String name, int value) {
        return new Protobuf().string(1, name).varint(3, value).varint(20, 2);
    }

    private static byte[] floats(float[] values) {
        ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            b.putFloat(v);
        }
        return b.array();
    }

    private String fresh(String prefix) {
        return prefix + "_" + counter++;
    }
}
