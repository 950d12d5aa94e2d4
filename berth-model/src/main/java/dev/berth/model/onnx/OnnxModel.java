package dev.berth.model.onnx;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.berth.model.ModelException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One ONNX model loaded into ONNX Runtime, run with the protocol's tensors. Thread-safe: ONNX Runtime runs a session
 * from many threads at once.
 *
 * <p>ONNX Runtime's native library is found as ONNX Runtime itself decides: the system property
 * {@code onnxruntime.native.path} names a directory holding {@code libonnxruntime.so} and
 * {@code libonnxruntime4j_jni.so} (a packaged image sets it), otherwise the library is unpacked from the jar.
 */
public final class OnnxModel implements AutoCloseable {
    private final String what;
    private final OrtSession session;
    private final ModelSignature signature;
    /** The session's name for each input and output, in the order of the signature (different for unsigned ones). */
    private final String[] sessionInputNames;
    private final String[] sessionOutputNames;
    private final Map<String, Integer> outputIndex = new HashMap<>();

    private OnnxModel(String what, OrtSession session, ModelSignature signature, String[] sessionInputNames, String[] sessionOutputNames) {
        this.what = what;
        this.session = session;
        this.signature = signature;
        this.sessionInputNames = sessionInputNames;
        this.sessionOutputNames = sessionOutputNames;
        for (int i = 0; i < sessionOutputNames.length; i++) {
            outputIndex.put(sessionOutputNames[i], i);
        }
    }

    /**
     * Loads a model file.
     *
     * @param intraOpThreads threads ONNX Runtime may use inside one inference; 1 suits small models best (no hand-off
     *     between threads, no spinning workers)
     * @throws ModelException when the file cannot be read or is not an ONNX model ONNX Runtime can run
     */
    public static OnnxModel load(Path file, int intraOpThreads) {
        if (!Files.isRegularFile(file)) {
            throw new ModelException("model file " + file + " does not exist or is not a file");
        }
        if (intraOpThreads < 1) {
            throw new ModelException("intra-op threads must be at least 1, not " + intraOpThreads);
        }
        String what = file.toString();
        OrtEnvironment env = OrtRuntime.environment();
        try (OrtSession.SessionOptions options = sessionOptions(intraOpThreads)) {
            OrtSession session;
            try {
                session = env.createSession(file.toString(), options);
            } catch (OrtException e) {
                throw new ModelException(what + " is not a valid ONNX model: " + firstLine(e.getMessage()), e);
            }
            Map<String, Datatype> unsignedInputs = wideUnsigned(session.getInputInfo());
            Map<String, Datatype> unsignedOutputs = wideUnsigned(session.getOutputInfo());
            if (!unsignedInputs.isEmpty() || !unsignedOutputs.isEmpty()) {
                session.close();
                byte[] rewritten = UnsignedBridge.rewrite(Files.readAllBytes(file), unsignedInputs, unsignedOutputs);
                try {
                    session = env.createSession(rewritten, options);
                } catch (OrtException e) {
                    throw new ModelException("cannot load " + what + " with its unsigned inputs and outputs carried as signed ones: "
                            + firstLine(e.getMessage()), e);
                }
            }
            try {
                return describe(what, session, unsignedInputs, unsignedOutputs);
            } catch (RuntimeException e) {
                session.close();
                throw e;
            }
        } catch (OrtException e) {
            throw new ModelException("cannot load " + what + ": " + firstLine(e.getMessage()), e);
        } catch (IOException e) {
            throw new ModelException("cannot read " + what + ": " + e.getMessage(), e);
        }
    }

    /** Reads a model file's inputs and outputs (loads it into ONNX Runtime, which also proves it is a valid model). */
    public static ModelSignature inspect(Path file) {
        try (OnnxModel model = load(file, 1)) {
            return model.signature();
        }
    }

    private static OrtSession.SessionOptions sessionOptions(int intraOpThreads) throws OrtException {
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        options.setIntraOpNumThreads(intraOpThreads);
        options.setInterOpNumThreads(1);
        options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
        options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
        // spinning workers would eat the CPU that the HTTP threads need on a small machine
        options.addConfigEntry("session.intra_op.allow_spinning", "0");
        options.setSessionLogLevel(OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR);
        return options;
    }

    private static Map<String, Datatype> wideUnsigned(Map<String, NodeInfo> infos) {
        Map<String, Datatype> m = new LinkedHashMap<>();
        for (NodeInfo info : infos.values()) {
            if (info.getInfo() instanceof TensorInfo t) {
                Datatype d = Datatype.ofOnnx(t.onnxType);
                if (d != null && d.isWideUnsigned()) {
                    m.put(info.getName(), d);
                }
            }
        }
        return m;
    }

    private static OnnxModel describe(String what, OrtSession session, Map<String, Datatype> unsignedInputs,
            Map<String, Datatype> unsignedOutputs) throws OrtException {
        List<TensorSpec> inputs = new ArrayList<>();
        List<String> inputNames = new ArrayList<>();
        for (NodeInfo info : session.getInputInfo().values()) {
            String name = protocolName(info.getName());
            if (!(info.getInfo() instanceof TensorInfo t)) {
                throw new ModelException(what + " has input '" + name + "' that is not a tensor ("
                        + info.getInfo().getClass().getSimpleName() + "): the inference protocol carries tensors only");
            }
            Datatype d = unsignedInputs.containsKey(name) ? unsignedInputs.get(name) : Datatype.ofOnnx(t.onnxType);
            if (d == null) {
                throw new ModelException(what + " has input '" + name + "' of element type " + t.onnxType
                        + ", which the inference protocol has no datatype for");
            }
            inputs.add(new TensorSpec(name, d, boxed(t.getShape())));
            inputNames.add(info.getName());
        }
        List<TensorSpec> outputs = new ArrayList<>();
        List<String> outputNames = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        for (NodeInfo info : session.getOutputInfo().values()) {
            String name = protocolName(info.getName());
            Datatype d = null;
            if (info.getInfo() instanceof TensorInfo t) {
                d = unsignedOutputs.containsKey(name) ? unsignedOutputs.get(name) : Datatype.ofOnnx(t.onnxType);
                if (d == null) {
                    notes.add("output '" + name + "' of element type " + t.onnxType + " is not served: the protocol has no datatype for it");
                } else {
                    outputs.add(new TensorSpec(name, d, boxed(t.getShape())));
                    outputNames.add(info.getName());
                }
            } else {
                notes.add("output '" + name + "' is not served: it is a " + info.getInfo().getClass().getSimpleName().replace("Info", "").toLowerCase()
                        + ", and the protocol carries tensors only");
            }
        }
        if (outputs.isEmpty()) {
            throw new ModelException(what + " has no output the inference protocol can carry" + (notes.isEmpty() ? "" : ": " + String.join("; ", notes)));
        }
        return new OnnxModel(what, session, new ModelSignature(inputs, outputs, notes),
                inputNames.toArray(String[]::new), outputNames.toArray(String[]::new));
    }

    private static String protocolName(String sessionName) {
        return sessionName.endsWith(UnsignedBridge.SUFFIX)
                ? sessionName.substring(0, sessionName.length() - UnsignedBridge.SUFFIX.length()) : sessionName;
    }

    private static List<Long> boxed(long[] shape) {
        List<Long> l = new ArrayList<>(shape.length);
        for (long d : shape) {
            l.add(d < 0 ? -1L : d);
        }
        return l;
    }

    public ModelSignature signature() {
        return signature;
    }

    /**
     * Runs the model.
     *
     * @param inputs one tensor per input of {@link ModelSignature#inputs()}, in that order, already checked against it
     * @param wanted which outputs to compute, by index into {@link ModelSignature#outputs()}; null for all
     * @return the outputs in the order of the signature; null where not wanted
     * @throws ModelException when ONNX Runtime refuses the input (a value the model's own operators reject)
     */
    public Tensor[] run(Tensor[] inputs, boolean[] wanted) {
        OrtEnvironment env = OrtRuntime.environment();
        DirectArena arena = DirectArena.forThisThread();
        Map<String, OnnxTensor> feed = HashMap.newHashMap(inputs.length);
        try {
            for (int i = 0; i < inputs.length; i++) {
                feed.put(sessionInputNames[i], toOrt(env, arena, inputs[i]));
            }
            Set<String> requested;
            if (wanted == null) {
                requested = outputIndex.keySet();
            } else {
                requested = java.util.HashSet.newHashSet(wanted.length);
                for (int i = 0; i < wanted.length; i++) {
                    if (wanted[i]) {
                        requested.add(sessionOutputNames[i]);
                    }
                }
            }
            Tensor[] out = new Tensor[sessionOutputNames.length];
            try (OrtSession.Result result = session.run(feed, requested)) {
                for (Map.Entry<String, OnnxValue> e : result) {
                    int index = outputIndex.get(e.getKey());
                    out[index] = fromOrt(signature.outputs().get(index), (OnnxTensor) e.getValue());
                }
            }
            return out;
        } catch (OrtException e) {
            throw new ModelException("the model could not run on this input: " + firstLine(e.getMessage()), e);
        } finally {
            for (OnnxTensor t : feed.values()) {
                t.close();
            }
        }
    }

    private static OnnxTensor toOrt(OrtEnvironment env, DirectArena arena, Tensor t) throws OrtException {
        long[] shape = t.shape();
        Object data = t.data();
        return switch (t.datatype()) {
            case BOOL, UINT8, INT8 -> {
                byte[] a = (byte[]) data;
                ByteBuffer b = arena.take(a.length).put(a).flip();
                OnnxJavaType type = t.datatype() == Datatype.BOOL ? OnnxJavaType.BOOL
                        : t.datatype() == Datatype.UINT8 ? OnnxJavaType.UINT8 : OnnxJavaType.INT8;
                yield OnnxTensor.createTensor(env, b, shape, type);
            }
            case INT16, UINT16, FP16 -> {
                short[] a = (short[]) data;
                var b = arena.take(a.length * 2).asShortBuffer().put(a).flip();
                yield OnnxTensor.createTensor(env, b, shape, t.datatype() == Datatype.FP16 ? OnnxJavaType.FLOAT16 : OnnxJavaType.INT16);
            }
            case INT32, UINT32 -> {
                int[] a = (int[]) data;
                yield OnnxTensor.createTensor(env, arena.take(a.length * 4).asIntBuffer().put(a).flip(), shape);
            }
            case INT64, UINT64 -> {
                long[] a = (long[]) data;
                yield OnnxTensor.createTensor(env, arena.take(a.length * 8).asLongBuffer().put(a).flip(), shape);
            }
            case FP32 -> {
                float[] a = (float[]) data;
                yield OnnxTensor.createTensor(env, arena.take(a.length * 4).asFloatBuffer().put(a).flip(), shape);
            }
            case FP64 -> {
                double[] a = (double[]) data;
                yield OnnxTensor.createTensor(env, arena.take(a.length * 8).asDoubleBuffer().put(a).flip(), shape);
            }
            case BYTES -> OnnxTensor.createTensor(env, (String[]) data, shape);
        };
    }

    private static Tensor fromOrt(TensorSpec spec, OnnxTensor t) throws OrtException {
        long[] shape = t.getInfo().getShape();
        Object data = switch (spec.datatype()) {
            case BOOL, UINT8, INT8 -> array(t.getByteBuffer());
            case INT16, UINT16, FP16 -> {
                var b = t.getShortBuffer();
                yield b.hasArray() && b.arrayOffset() == 0 && b.array().length == b.remaining() ? b.array() : copy(b);
            }
            case INT32, UINT32 -> {
                var b = t.getIntBuffer();
                if (b.hasArray() && b.arrayOffset() == 0 && b.array().length == b.remaining()) {
                    yield b.array();
                }
                int[] a = new int[b.remaining()];
                b.get(a);
                yield a;
            }
            case INT64, UINT64 -> {
                var b = t.getLongBuffer();
                if (b.hasArray() && b.arrayOffset() == 0 && b.array().length == b.remaining()) {
                    yield b.array();
                }
                long[] a = new long[b.remaining()];
                b.get(a);
                yield a;
            }
            case FP32 -> {
                var b = t.getFloatBuffer();
                if (b.hasArray() && b.arrayOffset() == 0 && b.array().length == b.remaining()) {
                    yield b.array();
                }
                float[] a = new float[b.remaining()];
                b.get(a);
                yield a;
            }
            case FP64 -> {
                var b = t.getDoubleBuffer();
                if (b.hasArray() && b.arrayOffset() == 0 && b.array().length == b.remaining()) {
                    yield b.array();
                }
                double[] a = new double[b.remaining()];
                b.get(a);
                yield a;
            }
            case BYTES -> flattenStrings(t.getValue(), (int) Tensor.elementCount(shape));
        };
        return new Tensor(spec.name(), spec.datatype(), shape, data);
    }

    private static byte[] array(ByteBuffer b) {
        if (b.hasArray() && b.arrayOffset() == 0 && b.array().length == b.remaining()) {
            return b.array();
        }
        byte[] a = new byte[b.remaining()];
        b.get(a);
        return a;
    }

    private static short[] copy(java.nio.ShortBuffer b) {
        short[] a = new short[b.remaining()];
        b.get(a);
        return a;
    }

    private static String[] flattenStrings(Object value, int count) {
        String[] out = new String[count];
        int[] next = {0};
        flatten(value, out, next);
        return out;
    }

    private static void flatten(Object value, String[] out, int[] next) {
        if (value instanceof String s) {
            out[next[0]++] = s;
        } else if (value instanceof Object[] a) {
            for (Object o : a) {
                flatten(o, out, next);
            }
        }
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            throw new ModelException("cannot close " + what + ": " + e.getMessage(), e);
        }
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unknown error";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }

    /** The one ONNX Runtime environment of the process, made on first use (it loads the native library). */
    private static final class OrtRuntime {
        private static final OrtEnvironment ENV = OrtEnvironment.getEnvironment(OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR, "berth");

        static OrtEnvironment environment() {
            return ENV;
        }
    }
}
