package dev.berth.model.server;

import dev.berth.model.metrics.ServerMetrics;
import dev.berth.model.oip.InferRequest;
import dev.berth.model.oip.InferRequestParser;
import dev.berth.model.oip.ProtocolJson;
import dev.berth.model.onnx.Datatype;
import dev.berth.model.onnx.OnnxModel;
import dev.berth.model.onnx.Tensor;
import dev.berth.model.repository.ModelConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The in-process side of bench/model-serve.sh (not a test): p50 and p99 of the same inference without HTTP, on one
 * thread, after a warm-up. "ort" is ONNX Runtime's run alone (tensor in, tensor out); "pipeline" adds what the server
 * does around it (parse the request JSON, check it against the model, write the response JSON), so the HTTP figures
 * minus "ort" is the whole server overhead and minus "pipeline" is what HTTP and Jetty cost.
 *
 * <p>Usage: {@code InProcessBench MODEL.onnx REQUEST.json [iterations]}; prints {@code RESULT name p50_us=… p99_us=…}.
 */
public final class InProcessBench {
    private InProcessBench() {
    }

    public static void main(String[] args) throws Exception {
        Path modelFile = Path.of(args[0]);
        byte[] body = Files.readAllBytes(Path.of(args[1]));
        int iterations = args.length > 2 ? Integer.parseInt(args[2]) : 200_000;
        try (OnnxModel model = OnnxModel.load(modelFile, 1)) {
            InferRequest parsed = InferRequestParser.parse(body, body.length);
            Tensor input = parsed.inputs().getFirst();
            Tensor[] inputs = {new Tensor(input.name(), Datatype.FP32, input.shape(), input.data())};
            report("ort", time(iterations, () -> model.run(inputs, null)));
            ServedModel served = new ServedModel(new ModelConfig("bench", "", null), model,
                    new ServerMetrics().forModel("bench", ""));
            byte[] buffer = Arrays.copyOf(body, body.length + 1024);
            report("pipeline", time(iterations, () -> {
                InferRequest r = InferRequestParser.parse(buffer, body.length);
                Tensor[] out = served.infer(r);
                byte[] answer = ProtocolJson.inferResponse("bench", "", r.id(), out);
                if (answer.length == 0) {
                    throw new IllegalStateException();
                }
            }));
            System.out.println("SAMPLE " + new String(ProtocolJson.inferResponse("bench", "", null,
                    served.infer(InferRequestParser.parse(body, body.length))), StandardCharsets.UTF_8));
        }
    }

    interface Work {
        void run() throws Exception;
    }

    static long[] time(int iterations, Work work) throws Exception {
        for (int i = 0; i < iterations / 2; i++) {
            work.run();
        }
        long[] nanos = new long[iterations];
        for (int i = 0; i < iterations; i++) {
            long t0 = System.nanoTime();
            work.run();
            nanos[i] = System.nanoTime() - t0;
        }
        Arrays.sort(nanos);
        return nanos;
    }

    static void report(String name, long[] sorted) {
        System.out.printf("RESULT %s p50_us=%.1f p99_us=%.1f%n", name, sorted[sorted.length / 2] / 1000.0,
                sorted[(int) (sorted.length * 0.99)] / 1000.0);
    }
}
