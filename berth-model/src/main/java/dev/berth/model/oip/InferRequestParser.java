package dev.berth.model.oip;

import dev.berth.model.ModelException;
import dev.berth.model.onnx.Datatype;
import dev.berth.model.onnx.Tensor;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.core.json.JsonFactory;

/**
 * Reads an inference request body with Jackson's streaming parser, straight into primitive arrays: no tree, no
 * boxing. Every way a body can be wrong ends in a {@link ModelException} whose message says what and where, which the
 * server answers with 400.
 *
 * <p>Tensor data may be flat (row-major) or nested as the shape says; values must fit the declared datatype exactly
 * (no rounding of 1.5 into an INT32, no 300 into a UINT8, no FP32 beyond its range). FP16 values are JSON numbers,
 * rounded to the nearest half-precision value. BYTES values are JSON strings, carried as UTF-8. The binary tensor data
 * extension is not supported and is refused by name.
 */
public final class InferRequestParser {
    /** Deeper nesting than any tensor's rank is refused before it costs anything. */
    static final int MAX_RANK = 32;

    private static final JsonFactory JSON = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_RANK + 8).build())
            .build();

    private static final String DATATYPES = Arrays.toString(Datatype.values());
    private static final BigInteger UINT64_MAX = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);

    private final byte[] body;
    private final int length;

    private InferRequestParser(byte[] body, int length) {
        this.body = body;
        this.length = length;
    }

    /**
     * Reads the first {@code length} bytes of {@code body} as an inference request.
     *
     * @throws ModelException when the body is not a valid inference request, with a message for the client
     */
    public static InferRequest parse(byte[] body, int length) {
        return new InferRequestParser(body, length).parse();
    }

    private InferRequest parse() {
        if (length == 0) {
            throw new ModelException("the request body is empty; send a JSON object with \"inputs\"");
        }
        try (JsonParser p = JSON.createParser(ObjectReadContext.empty(), body, 0, length)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new ModelException("the request body must be a JSON object with \"inputs\"");
            }
            String id = null;
            List<Tensor> inputs = null;
            List<String> outputs = null;
            while (p.nextToken() == JsonToken.PROPERTY_NAME) {
                String field = p.currentName();
                p.nextToken();
                switch (field) {
                    case "id" -> id = string(p, "\"id\"");
                    case "parameters" -> parameters(p, "the request's \"parameters\"", "binary_data_output");
                    case "inputs" -> inputs = inputs(p);
                    case "outputs" -> outputs = outputs(p);
                    default -> p.skipChildren();
                }
            }
            if (p.nextToken() != null) {
                throw new ModelException("the request body has more after its JSON object");
            }
            if (inputs == null) {
                throw new ModelException("the request has no \"inputs\"");
            }
            return new InferRequest(id, inputs, outputs);
        } catch (JacksonException e) {
            throw malformed(e);
        }
    }

    static ModelException malformed(JacksonException e) {
        TokenStreamLocation at = e.getLocation();
        String where = at == null || at == TokenStreamLocation.NA ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
        return new ModelException("malformed JSON: " + clean(e.getOriginalMessage()) + where, e);
    }

    /** Jackson's messages mention its own types and options; the client needs only the first sentence. */
    private static String clean(String message) {
        if (message == null) {
            return "unreadable";
        }
        int cut = message.indexOf("\n");
        String m = cut < 0 ? message : message.substring(0, cut);
        int hint = m.indexOf(" (for ");
        return hint < 0 ? m : m.substring(0, hint);
    }

    private static String string(JsonParser p, String what) {
        if (p.currentToken() != JsonToken.VALUE_STRING) {
            throw new ModelException(what + " must be a string, not " + describe(p.currentToken()));
        }
        return p.getString();
    }

    private static String describe(JsonToken t) {
        return switch (t) {
            case START_OBJECT -> "an object";
            case START_ARRAY -> "an array";
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            case VALUE_NULL -> "null";
            default -> String.valueOf(t);
        };
    }

    /** Skips a parameters object, refusing the one parameter that asks for the binary data extension. */
    private static void parameters(JsonParser p, String what, String binaryParameter) {
        if (p.currentToken() != JsonToken.START_OBJECT) {
            throw new ModelException(what + " must be an object, not " + describe(p.currentToken()));
        }
        while (p.nextToken() == JsonToken.PROPERTY_NAME) {
            String name = p.currentName();
            JsonToken value = p.nextToken();
            if (name.equals(binaryParameter) && value != JsonToken.VALUE_FALSE && value != JsonToken.VALUE_NULL) {
                throw new ModelException(what + " asks for \"" + binaryParameter
                        + "\": the binary tensor data extension is not supported; send tensor data as JSON");
            }
            p.skipChildren();
        }
    }

    private List<Tensor> inputs(JsonParser p) {
        if (p.currentToken() != JsonToken.START_ARRAY) {
            throw new ModelException("\"inputs\" must be an array of tensors, not " + describe(p.currentToken()));
        }
        List<Tensor> inputs = new ArrayList<>(2);
        while (p.nextToken() != JsonToken.END_ARRAY) {
            if (p.currentToken() != JsonToken.START_OBJECT) {
                throw new ModelException("each of \"inputs\" must be an object, not " + describe(p.currentToken()));
            }
            inputs.add(input(p, inputs.size()));
        }
        if (inputs.isEmpty()) {
            throw new ModelException("\"inputs\" is empty");
        }
        return inputs;
    }

    private static List<String> outputs(JsonParser p) {
        if (p.currentToken() != JsonToken.START_ARRAY) {
            throw new ModelException("\"outputs\" must be an array of objects with a \"name\", not " + describe(p.currentToken()));
        }
        List<String> names = new ArrayList<>(2);
        while (p.nextToken() != JsonToken.END_ARRAY) {
            if (p.currentToken() != JsonToken.START_OBJECT) {
                throw new ModelException("each of \"outputs\" must be an object with a \"name\", not " + describe(p.currentToken()));
            }
            String name = null;
            while (p.nextToken() == JsonToken.PROPERTY_NAME) {
                String field = p.currentName();
                p.nextToken();
                switch (field) {
                    case "name" -> name = string(p, "an output's \"name\"");
                    case "parameters" -> parameters(p, "the parameters of requested output " + (name == null ? "#" + names.size() : "'" + name + "'"), "binary_data");
                    default -> p.skipChildren();
                }
            }
            if (name == null) {
                throw new ModelException("requested output #" + names.size() + " has no \"name\"");
            }
            if (names.contains(name)) {
                throw new ModelException("output '" + name + "' is requested twice");
            }
            names.add(name);
        }
        return names;
    }

    private Tensor input(JsonParser p, int index) {
        String name = null;
        long[] shape = null;
        Datatype datatype = null;
        String datatypeName = null;
        Data data = null;
        long deferredDataOffset = -1;
        while (p.nextToken() == JsonToken.PROPERTY_NAME) {
            String field = p.currentName();
            p.nextToken();
            switch (field) {
                case "name" -> name = string(p, "input #" + index + ": \"name\"");
                case "shape" -> shape = shape(p, label(name, index));
                case "datatype" -> {
                    datatypeName = string(p, label(name, index) + ": \"datatype\"");
                    datatype = Datatype.byName(datatypeName);
                }
                case "parameters" -> parameters(p, "the parameters of " + label(name, index), "binary_data_size");
                case "data" -> {
                    if (p.currentToken() != JsonToken.START_ARRAY) {
                        throw new ModelException(label(name, index) + ": \"data\" must be an array, not " + describe(p.currentToken()));
                    }
                    if (datatype != null) {
                        data = data(p, datatype, label(name, index), capacityHint(shape));
                    } else {
                        // the datatype comes later in this object: come back for the values once it is known
                        deferredDataOffset = p.currentTokenLocation().getByteOffset();
                        p.skipChildren();
                    }
                }
                default -> p.skipChildren();
            }
        }
        String label = label(name, index);
        if (name == null) {
            throw new ModelException(label + " has no \"name\"");
        }
        if (datatypeName == null) {
            throw new ModelException(label + " has no \"datatype\"");
        }
        if (datatype == null) {
            throw new ModelException(label + " has datatype '" + datatypeName + "', which the protocol does not have; it has " + DATATYPES);
        }
        if (shape == null) {
            throw new ModelException(label + " has no \"shape\"");
        }
        if (data == null && deferredDataOffset < 0) {
            throw new ModelException(label + " has no \"data\"");
        }
        if (data == null) {
            data = deferredData(deferredDataOffset, datatype, label, capacityHint(shape));
        }
        data.checkAgainst(shape, label);
        return new Tensor(name, datatype, shape, data.values);
    }

    private Data deferredData(long offset, Datatype datatype, String label, int capacityHint) {
        try (JsonParser again = JSON.createParser(ObjectReadContext.empty(), body, (int) offset, length - (int) offset)) {
            again.nextToken();
            return data(again, datatype, label, capacityHint);
        }
    }

    private int capacityHint(long[] shape) {
        long n = shape == null ? -1 : Tensor.elementCount(shape);
        // a shape cannot make the server reserve more than the body could hold: every value takes at least 2 bytes
        return n < 0 ? 16 : (int) Math.min(n, length / 2 + 1);
    }

    private static String label(String name, int index) {
        return name == null ? "input #" + index : "input '" + name + "'";
    }

    private static long[] shape(JsonParser p, String label) {
        if (p.currentToken() != JsonToken.START_ARRAY) {
            throw new ModelException(label + ": \"shape\" must be an array of dimensions, not " + describe(p.currentToken()));
        }
        long[] dims = new long[4];
        int rank = 0;
        while (p.nextToken() != JsonToken.END_ARRAY) {
            if (p.currentToken() != JsonToken.VALUE_NUMBER_INT || p.getNumberType() == JsonParser.NumberType.BIG_INTEGER
                    || p.getLongValue() < 0) {
                throw new ModelException(label + ": \"shape\" must hold dimensions that are whole numbers, 0 or more; found "
                        + (p.currentToken().isNumeric() ? p.getString() : describe(p.currentToken())));
            }
            if (rank == MAX_RANK) {
                throw new ModelException(label + ": \"shape\" has more than " + MAX_RANK + " dimensions");
            }
            if (rank == dims.length) {
                dims = Arrays.copyOf(dims, rank * 2);
            }
            dims[rank++] = p.getLongValue();
        }
        return Arrays.copyOf(dims, rank);
    }

    /** The values of one tensor and how they were nested, to check against the shape once it is known. */
    private static final class Data {
        Object values;
        int count;
        int depth;
        /** The length of the arrays at each depth (1-based); all arrays at one depth have the same length. */
        final int[] lengths = new int[MAX_RANK + 2];

        void checkAgainst(long[] shape, String label) {
            long expected = Tensor.elementCount(shape);
            if (expected != count) {
                throw new ModelException(label + " has " + count + " values but its shape " + Arrays.toString(shape)
                        + " needs " + (expected < 0 ? "more than an array can hold" : String.valueOf(expected)));
            }
            if (depth > 1) {
                boolean fits = depth == shape.length;
                for (int d = 0; fits && d < shape.length; d++) {
                    fits = lengths[d + 1] == shape[d];
                }
                if (!fits) {
                    throw new ModelException(label + ": data is nested as " + Arrays.toString(Arrays.copyOfRange(lengths, 1, depth + 1))
                            + " but its shape is " + Arrays.toString(shape) + "; nest it as the shape says or send it flat");
                }
            }
        }
    }

    private static Data data(JsonParser p, Datatype datatype, String label, int capacityHint) {
        Data d = new Data();
        ValuesBuilder values = new ValuesBuilder(datatype, capacityHint);
        int[] counts = new int[MAX_RANK + 2];
        Arrays.fill(d.lengths, -1);
        int depth = 1;
        int scalarDepth = -1;
        while (true) {
            JsonToken t = p.nextToken();
            if (t == JsonToken.START_ARRAY) {
                counts[depth]++;
                if (++depth > MAX_RANK) {
                    throw new ModelException(label + ": data nests deeper than " + MAX_RANK + " levels");
                }
                d.depth = Math.max(d.depth, depth);
                counts[depth] = 0;
            } else if (t == JsonToken.END_ARRAY) {
                int n = counts[depth];
                if (d.lengths[depth] == -1) {
                    d.lengths[depth] = n;
                } else if (d.lengths[depth] != n) {
                    throw new ModelException(label + ": data is ragged: arrays at depth " + depth + " hold " + d.lengths[depth]
                            + " and " + n + " values");
                }
                if (--depth == 0) {
                    break;
                }
            } else {
                counts[depth]++;
                if (scalarDepth == -1) {
                    scalarDepth = depth;
                } else if (scalarDepth != depth) {
                    throw new ModelException(label + ": data mixes values and arrays at the same level");
                }
                value(p, t, datatype, values, label);
            }
        }
        d.depth = Math.max(d.depth, 1);
        if (scalarDepth != -1 && scalarDepth != d.depth) {
            throw new ModelException(label + ": data mixes values and arrays at the same level");
        }
        d.count = values.count();
        d.values = values.finish();
        return d;
    }

    private static void value(JsonParser p, JsonToken t, Datatype datatype, ValuesBuilder values, String label) {
        switch (datatype) {
            case BOOL -> {
                if (t != JsonToken.VALUE_TRUE && t != JsonToken.VALUE_FALSE) {
                    throw wrongValue(p, t, label, values.count(), "true or false");
                }
                values.addInteger(t == JsonToken.VALUE_TRUE ? 1 : 0);
            }
            case UINT8 -> values.addInteger(integer(p, t, label, values.count(), datatype, 0, 0xff));
            case INT8 -> values.addInteger(integer(p, t, label, values.count(), datatype, Byte.MIN_VALUE, Byte.MAX_VALUE));
            case UINT16 -> values.addInteger(integer(p, t, label, values.count(), datatype, 0, 0xffff));
            case INT16 -> values.addInteger(integer(p, t, label, values.count(), datatype, Short.MIN_VALUE, Short.MAX_VALUE));
            case UINT32 -> values.addInteger(integer(p, t, label, values.count(), datatype, 0, 0xffff_ffffL));
            case INT32 -> values.addInteger(integer(p, t, label, values.count(), datatype, Integer.MIN_VALUE, Integer.MAX_VALUE));
            case INT64 -> values.addInteger(integer(p, t, label, values.count(), datatype, Long.MIN_VALUE, Long.MAX_VALUE));
            case UINT64 -> values.addInteger(uint64(p, t, label, values.count()));
            case FP16 -> {
                float f = number(p, t, label, values.count()).getFloatValue();
                short half = Float.floatToFloat16(f);
                if (Float.isInfinite(Float.float16ToFloat(half))) {
                    throw outOfRange(p, label, values.count(), datatype, "-65504 to 65504");
                }
                values.addInteger(half);
            }
            case FP32 -> {
                float f = number(p, t, label, values.count()).getFloatValue();
                if (Float.isInfinite(f)) {
                    throw outOfRange(p, label, values.count(), datatype, "±3.4028235E38");
                }
                values.addFloat(f);
            }
            case FP64 -> {
                double v = number(p, t, label, values.count()).getDoubleValue();
                if (Double.isInfinite(v)) {
                    throw outOfRange(p, label, values.count(), datatype, "±1.7976931348623157E308");
                }
                values.addDouble(v);
            }
            case BYTES -> {
                if (t != JsonToken.VALUE_STRING) {
                    throw wrongValue(p, t, label, values.count(), "a string");
                }
                values.addString(p.getString());
            }
        }
    }

    private static JsonParser number(JsonParser p, JsonToken t, String label, int position) {
        if (t != JsonToken.VALUE_NUMBER_FLOAT && t != JsonToken.VALUE_NUMBER_INT) {
            throw wrongValue(p, t, label, position, "a number");
        }
        return p;
    }

    private static long integer(JsonParser p, JsonToken t, String label, int position, Datatype datatype, long min, long max) {
        if (t != JsonToken.VALUE_NUMBER_INT) {
            throw wrongValue(p, t, label, position, "a whole number");
        }
        if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
            throw outOfRange(p, label, position, datatype, min + " to " + max);
        }
        long v = p.getLongValue();
        if (v < min || v > max) {
            throw outOfRange(p, label, position, datatype, min + " to " + max);
        }
        return v;
    }

    private static long uint64(JsonParser p, JsonToken t, String label, int position) {
        if (t != JsonToken.VALUE_NUMBER_INT) {
            throw wrongValue(p, t, label, position, "a whole number");
        }
        if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
            BigInteger v = p.getBigIntegerValue();
            if (v.signum() < 0 || v.compareTo(UINT64_MAX) > 0) {
                throw outOfRange(p, label, position, Datatype.UINT64, "0 to " + UINT64_MAX);
            }
            return v.longValue();
        }
        long v = p.getLongValue();
        if (v < 0) {
            throw outOfRange(p, label, position, Datatype.UINT64, "0 to " + UINT64_MAX);
        }
        return v;
    }

    private static ModelException wrongValue(JsonParser p, JsonToken t, String label, int position, String expected) {
        String found = t.isScalarValue() ? describe(t) + " (" + abbreviate(p.getString()) + ")" : describe(t);
        return new ModelException(label + ": value #" + position + " must be " + expected + ", not " + found);
    }

    private static ModelException outOfRange(JsonParser p, String label, int position, Datatype datatype, String range) {
        return new ModelException(label + ": value #" + position + " (" + abbreviate(p.getString()) + ") is out of range for "
                + datatype + " (" + range + ")");
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 37) + "...";
    }
}
