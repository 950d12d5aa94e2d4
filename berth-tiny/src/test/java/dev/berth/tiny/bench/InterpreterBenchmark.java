package dev.berth.tiny.bench;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.berth.tiny.TinyException;
import dev.berth.tiny.interpreter.MicroInterpreter;
import dev.berth.tiny.kernels.RuntimeTensor;
import dev.berth.tiny.tflite.TensorType;
import dev.berth.tiny.tflite.TfliteModel;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Per-inference latency of every shared model in Berth's interpreter and in ONNX Runtime (the same network
 * translated by {@link OnnxExport}, one intra-op thread like Berth), plus Berth's arena against the naive sum of
 * its tensors and TFLM's published arenas. Prints a Markdown table. Not a test: run by berth-tiny/bench/interpreter.sh.
 */
public final class InterpreterBenchmark {
    private static final String[] MODELS = {
        "tflite-micro/hello_world/models/hello_world_int8.tflite",
        "tflite-micro/hello_world/models/hello_world_float.tflite",
        "tflite-micro/micro_speech/models/micro_speech_quantized.tflite",
        "tflite-micro/micro_speech/models/audio_preprocessor_int8.tflite",
        "rune/examples/person_detection/model.tflite",
        "rune/examples/gesture/model.tflite",
        "mlperf-tiny/kws_ref_model.tflite",
        "mlperf-tiny/kws_ref_model_float32.tflite",
        "mlperf-tiny/vww_96_int8.tflite",
        "mlperf-tiny/vww_96_float.tflite",
        "mlperf-tiny/pretrainedResnet_quant.tflite",
        "mlperf-tiny/ad01_int8.tflite",
        "mlperf-tiny/str_ww_ref_model.tflite",
    };
    /** Arenas TFLM's examples declare (kTensorArenaSize), for comparison. */
    private static final Map<String, String> TFLM_ARENAS = Map.of(
            "hello_world_int8.tflite", "3,000 B (example's kTensorArenaSize)",
            "hello_world_float.tflite", "3,000 B (example's kTensorArenaSize)",
            "micro_speech_quantized.tflite", "~28.6 KB (example's arena, shared with the preprocessor)");

    private InterpreterBenchmark() {
    }

    /**
     * Arguments: the shared folder, seconds per measurement, and optionally one model (relative path). Without a
     * model, each model is measured in a JVM of its own, as one device runs one model: the JIT's profile of one
     * model's kernels then does not shape the code another model runs.
     */
    public static void main(String[] args) throws Exception {
        Path shared = Path.of(args.length > 0 ? args[0] : "../shared/tinyml");
        double seconds = args.length > 1 ? Double.parseDouble(args[1]) : 2.0;
        if (args.length > 2) {
            row(shared, args[2], seconds, OrtEnvironment.getEnvironment());
            return;
        }
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        System.out.printf(Locale.ROOT, "JDK %s, %s, %d cores; ONNX Runtime %s (1 intra-op thread)%n%n",
                Runtime.version(), System.getProperty("os.arch"), Runtime.getRuntime().availableProcessors(),
                env.getVersion());
        System.out.println("| model | Berth | ONNX Runtime | Berth / ORT | same class | Berth arena | tensors side by side "
                + "| TFLM published arena |");
        System.out.println("|---|---|---|---|---|---|---|---|");
        String javaCommand = ProcessHandle.current().info().command().orElse("java");
        for (String relative : MODELS) {
            Process child = new ProcessBuilder(javaCommand, "--enable-native-access=ALL-UNNAMED", "-cp",
                    System.getProperty("java.class.path"), InterpreterBenchmark.class.getName(), shared.toString(),
                    String.valueOf(seconds), relative).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            System.out.print(new String(child.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
            child.waitFor();
        }
    }

    private static void row(Path shared, String relative, double seconds, OrtEnvironment env) throws Exception {
        {
            Path file = shared.resolve(relative);
            if (!Files.exists(file)) {
                System.out.println("| " + relative + " | absent | | | | | | |");
                return;
            }
            TfliteModel model = TfliteModel.read(file);
            MicroInterpreter berth = MicroInterpreter.create(model);
            byte[] input = randomInput(berth.input(0), new Random(42));
            Runnable berthRun = () -> {
                writeInput(berth.input(0), input);
                berth.invoke();
            };
            double berthMs = measure(berthRun, seconds);
            int berthClass = argmax(berth.outputValues(0));
            String ortMs = "n/a";
            String ratio = "";
            String same = "";
            try {
                byte[] onnx = OnnxExport.convert(model);
                OrtSession.SessionOptions options = new OrtSession.SessionOptions();
                options.setIntraOpNumThreads(1);
                options.setInterOpNumThreads(1);
                options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
                try (OrtSession session = env.createSession(onnx, options);
                     OnnxTensor tensor = onnxInput(env, berth.input(0), input)) {
                    Map<String, OnnxTensor> feed = Map.of(session.getInputNames().iterator().next(), tensor);
                    Runnable ortRun = () -> {
                        try (OrtSession.Result ignored = session.run(feed)) {
                            // results are closed at once; only the time matters here
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                    };
                    double ms = measure(ortRun, seconds);
                    ortMs = format(ms);
                    ratio = String.format(Locale.ROOT, "%.2f×", berthMs / ms);
                    try (OrtSession.Result result = session.run(feed)) {
                        same = argmax(values(result.get(0).getValue())) == berthClass ? "yes" : "no";
                    }
                }
            } catch (TinyException e) {
                ortMs = "n/a (" + e.getMessage() + ")";
            }
            String name = file.getFileName().toString();
            System.out.printf(Locale.ROOT, "| %s | %s | %s | %s | %s | %,d B | %,d B | %s |%n", relative, format(berthMs),
                    ortMs, ratio, same, berth.arenaBytes(), berth.arenaPlan().naiveBytes(),
                    TFLM_ARENAS.getOrDefault(name, ""));
        }
    }

    /** Median milliseconds per call over batches filling {@code seconds}, after as long a warm-up. */
    static double measure(Runnable run, double seconds) {
        long warmEnd = System.nanoTime() + (long) (seconds * 1e9);
        int calls = 0;
        while (System.nanoTime() < warmEnd) {
            run.run();
            calls++;
        }
        int batch = Math.max(1, calls / 10);
        double[] samples = new double[10];
        for (int s = 0; s < samples.length; s++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < batch; i++) {
                run.run();
            }
            samples[s] = (System.nanoTime() - t0) / 1e6 / batch;
        }
        Arrays.sort(samples);
        return (samples[4] + samples[5]) / 2;
    }

    private static String format(double ms) {
        return ms < 0.1 ? String.format(Locale.ROOT, "%.1f µs", ms * 1000) : String.format(Locale.ROOT, "%.3f ms", ms);
    }

    private static byte[] randomInput(RuntimeTensor t, Random random) {
        byte[] bytes = new byte[t.byteSize];
        if (t.type == TensorType.FLOAT32) {
            ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < t.elementCount(); i++) {
                b.putFloat((float) random.nextGaussian());
            }
        } else {
            random.nextBytes(bytes);
        }
        return bytes;
    }

    private static void writeInput(RuntimeTensor t, byte[] input) {
        System.arraycopy(input, 0, t.data, t.offset, input.length);
    }

    /** The same input for ONNX Runtime: bytes as they are (uint8 tensors are stored shifted by 128 in Berth). */
    private static OnnxTensor onnxInput(OrtEnvironment env, RuntimeTensor t, byte[] input) throws Exception {
        long[] shape = Arrays.stream(t.shape).asLongStream().toArray();
        ByteBuffer buffer = ByteBuffer.allocateDirect(input.length).order(ByteOrder.nativeOrder());
        if (t.declaredType == TensorType.UINT8) {
            for (byte b : input) {
                buffer.put((byte) (b ^ 0x80));
            }
        } else {
            buffer.put(input);
        }
        buffer.flip();
        OnnxJavaType type = switch (t.declaredType) {
            case FLOAT32 -> OnnxJavaType.FLOAT;
            case INT8 -> OnnxJavaType.INT8;
            case UINT8 -> OnnxJavaType.UINT8;
            case INT16 -> OnnxJavaType.INT16;
            default -> throw new TinyException("no ONNX input type for " + t.describe());
        };
        return OnnxTensor.createTensor(env, buffer, shape, type);
    }

    private static float[] values(Object value) {
        if (value instanceof float[][] f) {
            return f[0];
        }
        if (value instanceof byte[][] b) {
            float[] v = new float[b[0].length];
            for (int i = 0; i < v.length; i++) {
                v[i] = b[0][i];
            }
            return v;
        }
        if (value instanceof byte[][][][] b) {
            byte[] flat = b[0][0][0];
            float[] v = new float[flat.length];
            for (int i = 0; i < v.length; i++) {
                v[i] = flat[i] & 0xff;
            }
            return v;
        }
        return new float[] {0};
    }

    private static int argmax(float[] values) {
        int best = 0;
        for (int i = 1; i < values.length; i++) {
            if (values[i] > values[best]) {
                best = i;
            }
        }
        return best;
    }
}
