package dev.berth.model.onnx;

import java.util.Map;

/**
 * ONNX Runtime's Java API can make and read tensors of every protocol datatype except UINT16, UINT32 and UINT64. A model
 * with such inputs or outputs is served through a rewritten copy of its graph: each such input becomes a signed input
 * of the same width (named {@code NAME__berth_signed}) followed by a Cast to the unsigned type under the original name,
 * and each such output gets a Cast to the signed type as the new graph output. The model's own nodes are untouched, and
 * Cast between integer types of one width keeps the bits, so the values are exactly the ones the client sent.
 */
final class UnsignedBridge {
    /** Appended to the name of a rewritten graph input or output. */
    static final String SUFFIX = "__berth_signed";

    // ONNX protobuf field numbers (onnx.proto3)
    private static final int MODEL_GRAPH = 7;
    private static final int GRAPH_NODE = 1;
    private static final int GRAPH_INPUT = 11;
    private static final int GRAPH_OUTPUT = 12;
    private static final int VALUE_INFO_NAME = 1;
    private static final int VALUE_INFO_TYPE = 2;
    private static final int TYPE_TENSOR = 1;
    private static final int TENSOR_ELEM_TYPE = 1;
    private static final int NODE_INPUT = 1;
    private static final int NODE_OUTPUT = 2;
    private static final int NODE_NAME = 3;
    private static final int NODE_OP_TYPE = 4;
    private static final int NODE_ATTRIBUTE = 5;
    private static final int ATTRIBUTE_NAME = 1;
    private static final int ATTRIBUTE_I = 3;
    private static final int ATTRIBUTE_TYPE = 20;
    private static final int ATTRIBUTE_TYPE_INT = 2;

    private UnsignedBridge() {
    }

    /**
     * The model with the named graph inputs and outputs (each of a wide unsigned type) carried as signed ones.
     *
     * @param inputs graph input name → its unsigned datatype
     * @param outputs graph output name → its unsigned datatype
     */
    static byte[] rewrite(byte[] model, Map<String, Datatype> inputs, Map<String, Datatype> outputs) {
        ProtobufWriter out = new ProtobufWriter();
        ProtobufReader r = new ProtobufReader(model);
        while (r.next()) {
            if (r.field() == MODEL_GRAPH && r.wireType() == ProtobufReader.LEN) {
                out.message(MODEL_GRAPH, rewriteGraph(r.message(), inputs, outputs));
            } else {
                r.copyFieldTo(out);
            }
        }
        return out.toByteArray();
    }

    private static ProtobufWriter rewriteGraph(ProtobufReader graph, Map<String, Datatype> inputs, Map<String, Datatype> outputs) {
        ProtobufWriter out = new ProtobufWriter();
        boolean inputCastsWritten = false;
        while (graph.next()) {
            int field = graph.field();
            if (field == GRAPH_NODE && !inputCastsWritten) {
                writeInputCasts(out, inputs);
                inputCastsWritten = true;
            }
            if ((field == GRAPH_INPUT || field == GRAPH_OUTPUT) && graph.wireType() == ProtobufReader.LEN) {
                ProtobufReader valueInfo = graph.message();
                String name = valueInfoName(valueInfo);
                Map<String, Datatype> targets = field == GRAPH_INPUT ? inputs : outputs;
                if (targets.containsKey(name)) {
                    out.message(field, signedValueInfo(graph.message(), name + SUFFIX, targets.get(name).signedCarrier()));
                    continue;
                }
            }
            graph.copyFieldTo(out);
        }
        if (!inputCastsWritten) {
            writeInputCasts(out, inputs);
        }
        for (Map.Entry<String, Datatype> e : outputs.entrySet()) {
            out.message(GRAPH_NODE, cast(e.getKey(), e.getKey() + SUFFIX, e.getValue().signedCarrier()));
        }
        return out;
    }

    private static void writeInputCasts(ProtobufWriter out, Map<String, Datatype> inputs) {
        for (Map.Entry<String, Datatype> e : inputs.entrySet()) {
            out.message(GRAPH_NODE, cast(e.getKey() + SUFFIX, e.getKey(), e.getValue()));
        }
    }

    private static String valueInfoName(ProtobufReader valueInfo) {
        while (valueInfo.next()) {
            if (valueInfo.field() == VALUE_INFO_NAME && valueInfo.wireType() == ProtobufReader.LEN) {
                return valueInfo.string();
            }
        }
        return "";
    }

    /** The ValueInfoProto with a new name and element type, its shape and everything else kept. */
    private static ProtobufWriter signedValueInfo(ProtobufReader valueInfo, String newName, Datatype type) {
        ProtobufWriter out = new ProtobufWriter();
        while (valueInfo.next()) {
            if (valueInfo.field() == VALUE_INFO_NAME) {
                out.string(VALUE_INFO_NAME, newName);
            } else if (valueInfo.field() == VALUE_INFO_TYPE && valueInfo.wireType() == ProtobufReader.LEN) {
                ProtobufWriter typeProto = new ProtobufWriter();
                ProtobufReader t = valueInfo.message();
                while (t.next()) {
                    if (t.field() == TYPE_TENSOR && t.wireType() == ProtobufReader.LEN) {
                        ProtobufWriter tensor = new ProtobufWriter();
                        ProtobufReader tt = t.message();
                        while (tt.next()) {
                            if (tt.field() == TENSOR_ELEM_TYPE) {
                                tensor.varint(TENSOR_ELEM_TYPE, type.onnxElementType());
                            } else {
                                tt.copyFieldTo(tensor);
                            }
                        }
                        typeProto.message(TYPE_TENSOR, tensor);
                    } else {
                        t.copyFieldTo(typeProto);
                    }
                }
                out.message(VALUE_INFO_TYPE, typeProto);
            } else {
                valueInfo.copyFieldTo(out);
            }
        }
        return out;
    }

    private static ProtobufWriter cast(String from, String to, Datatype type) {
        ProtobufWriter to_ = new ProtobufWriter()
                .string(ATTRIBUTE_NAME, "to")
                .varint(ATTRIBUTE_I, type.onnxElementType())
                .varint(ATTRIBUTE_TYPE, ATTRIBUTE_TYPE_INT);
        return new ProtobufWriter()
                .string(NODE_INPUT, from)
                .string(NODE_OUTPUT, to)
                .string(NODE_NAME, "berth_cast_" + to)
                .string(NODE_OP_TYPE, "Cast")
                .message(NODE_ATTRIBUTE, to_);
    }
}
