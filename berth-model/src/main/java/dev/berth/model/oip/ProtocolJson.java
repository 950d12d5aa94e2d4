package dev.berth.model.oip;

import dev.berth.model.onnx.Datatype;
import dev.berth.model.onnx.Tensor;
import dev.berth.model.onnx.TensorSpec;
import java.util.List;
import java.util.Map;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.ObjectWriteContext;
import tools.jackson.core.json.JsonFactory;

/**
 * Writes the protocol's JSON responses with Jackson's streaming generator: inference responses, metadata, health and
 * the error shape {@code {"error": "…"}}. Non-finite floats (a model may answer NaN) are written as the strings
 * {@code "NaN"}, {@code "Infinity"} and {@code "-Infinity"}, since JSON numbers cannot hold them.
 */
public final class ProtocolJson {
    private static final JsonFactory JSON = JsonFactory.builder().build();

    private ProtocolJson() {
    }

    public static JsonGenerator generator(JsonBuffer out) {
        return JSON.createGenerator(ObjectWriteContext.empty(), out);
    }

    /** {@code {"error": message}}. */
    public static byte[] error(String message) {
        JsonBuffer out = JsonBuffer.forThisThread();
        try (JsonGenerator g = generator(out)) {
            g.writeStartObject();
            g.writeStringProperty("error", message);
            g.writeEndObject();
        }
        return out.toByteArray();
    }

    /**
     * An inference response.
     *
     * @param outputs the tensors to send, in order; null entries are skipped
     */
    public static byte[] inferResponse(String modelName, String modelVersion, String id, Tensor[] outputs) {
        JsonBuffer out = JsonBuffer.forThisThread();
        try (JsonGenerator g = generator(out)) {
            g.writeStartObject();
            g.writeStringProperty("model_name", modelName);
            if (!modelVersion.isEmpty()) {
                g.writeStringProperty("model_version", modelVersion);
            }
            if (id != null) {
                g.writeStringProperty("id", id);
            }
            g.writeName("outputs");
            g.writeStartArray();
            for (Tensor t : outputs) {
                if (t != null) {
                    tensor(g, t);
                }
            }
            g.writeEndArray();
            g.writeEndObject();
        }
        return out.toByteArray();
    }

    private static void tensor(JsonGenerator g, Tensor t) {
        g.writeStartObject();
        g.writeStringProperty("name", t.name());
        g.writeStringProperty("datatype", t.datatype().name());
        g.writeName("shape");
        g.writeStartArray();
        for (long d : t.shape()) {
            g.writeNumber(d);
        }
        g.writeEndArray();
        g.writeName("data");
        g.writeStartArray();
        values(g, t.datatype(), t.data());
        g.writeEndArray();
        g.writeEndObject();
    }

    private static void values(JsonGenerator g, Datatype datatype, Object data) {
        switch (datatype) {
            case BOOL -> {
                for (byte v : (byte[]) data) {
                    g.writeBoolean(v != 0);
                }
            }
            case UINT8 -> {
                for (byte v : (byte[]) data) {
                    g.writeNumber(v & 0xff);
                }
            }
            case INT8 -> {
                for (byte v : (byte[]) data) {
                    g.writeNumber(v);
                }
            }
            case UINT16 -> {
                for (short v : (short[]) data) {
                    g.writeNumber(v & 0xffff);
                }
            }
            case INT16 -> {
                for (short v : (short[]) data) {
                    g.writeNumber(v);
                }
            }
            case FP16 -> {
                for (short v : (short[]) data) {
                    g.writeNumber(Float.float16ToFloat(v));
                }
            }
            case UINT32 -> {
                for (int v : (int[]) data) {
                    g.writeNumber(Integer.toUnsignedLong(v));
                }
            }
            case INT32 -> {
                for (int v : (int[]) data) {
                    g.writeNumber(v);
                }
            }
            case UINT64 -> {
                for (long v : (long[]) data) {
                    if (v >= 0) {
                        g.writeNumber(v);
                    } else {
                        g.writeNumber(Long.toUnsignedString(v));
                    }
                }
            }
            case INT64 -> {
                for (long v : (long[]) data) {
                    g.writeNumber(v);
                }
            }
            case FP32 -> {
                for (float v : (float[]) data) {
                    g.writeNumber(v);
                }
            }
            case FP64 -> {
                for (double v : (double[]) data) {
                    g.writeNumber(v);
                }
            }
            case BYTES -> {
                for (String v : (String[]) data) {
                    g.writeString(v);
                }
            }
        }
    }

    /**
     * Model metadata: name, versions, platform, inputs and outputs, and in {@code parameters} how the server batches
     * the model (or why it does not).
     */
    public static byte[] modelMetadata(String name, List<String> versions, List<TensorSpec> inputs, List<TensorSpec> outputs,
            Map<String, Object> parameters) {
        JsonBuffer out = JsonBuffer.forThisThread();
        try (JsonGenerator g = generator(out)) {
            g.writeStartObject();
            g.writeStringProperty("name", name);
            g.writeName("versions");
            g.writeStartArray();
            for (String v : versions) {
                g.writeString(v);
            }
            g.writeEndArray();
            g.writeStringProperty("platform", "onnxruntime_onnx");
            specs(g, "inputs", inputs);
            specs(g, "outputs", outputs);
            g.writeName("parameters");
            object(g, parameters);
            g.writeEndObject();
        }
        return out.toByteArray();
    }

    private static void specs(JsonGenerator g, String field, List<TensorSpec> specs) {
        g.writeName(field);
        g.writeStartArray();
        for (TensorSpec s : specs) {
            g.writeStartObject();
            g.writeStringProperty("name", s.name());
            g.writeStringProperty("datatype", s.datatype().name());
            g.writeName("shape");
            g.writeStartArray();
            for (long d : s.shape()) {
                g.writeNumber(d);
            }
            g.writeEndArray();
            g.writeEndObject();
        }
        g.writeEndArray();
    }

    /** A small JSON object from maps, lists, strings, numbers and booleans (metadata and logs, not the hot path). */
    public static void object(JsonGenerator g, Map<String, ?> map) {
        g.writeStartObject();
        for (Map.Entry<String, ?> e : map.entrySet()) {
            g.writeName(e.getKey());
            value(g, e.getValue());
        }
        g.writeEndObject();
    }

    @SuppressWarnings("unchecked")
    public static void value(JsonGenerator g, Object v) {
        switch (v) {
            case null -> g.writeNull();
            case String s -> g.writeString(s);
            case Boolean b -> g.writeBoolean(b);
            case Integer i -> g.writeNumber(i);
            case Long l -> g.writeNumber(l);
            case Double d -> g.writeNumber(d);
            case Map<?, ?> m -> object(g, (Map<String, ?>) m);
            case List<?> l -> {
                g.writeStartArray();
                for (Object o : l) {
                    value(g, o);
                }
                g.writeEndArray();
            }
            default -> g.writeString(v.toString());
        }
    }

    /** A JSON object from a map, as bytes. */
    public static byte[] object(Map<String, ?> map) {
        JsonBuffer out = JsonBuffer.forThisThread();
        try (JsonGenerator g = generator(out)) {
            object(g, map);
        }
        return out.toByteArray();
    }
}
