package dev.berth.model.server;

import dev.berth.model.ModelException;
import dev.berth.model.metrics.ServerMetrics;
import dev.berth.model.oip.InferRequest;
import dev.berth.model.onnx.ModelSignature;
import dev.berth.model.onnx.OnnxModel;
import dev.berth.model.onnx.Tensor;
import dev.berth.model.onnx.TensorSpec;
import dev.berth.model.repository.ModelConfig;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * One model version as the server serves it: the loaded model, the checks every request goes through, its batcher
 * (when it batches) and its metrics.
 */
final class ServedModel implements AutoCloseable {
    private final ModelConfig config;
    private final OnnxModel model;
    private final ModelSignature signature;
    private final Map<String, Integer> inputIndex = new HashMap<>();
    private final Map<String, Integer> outputIndex = new HashMap<>();
    private final long[][] inputShapes;
    private final Batcher batcher;
    /** Why the model is not batched, or null when it is. */
    private final String batchingOff;
    private final ServerMetrics.ModelMetrics metrics;

    ServedModel(ModelConfig config, OnnxModel model, ServerMetrics.ModelMetrics metrics) {
        this.config = config;
        this.model = model;
        this.signature = model.signature();
        this.metrics = metrics;
        List<TensorSpec> inputs = signature.inputs();
        inputShapes = new long[inputs.size()][];
        for (int i = 0; i < inputs.size(); i++) {
            inputIndex.put(inputs.get(i).name(), i);
            inputShapes[i] = inputs.get(i).shapeArray();
        }
        for (int i = 0; i < signature.outputs().size(); i++) {
            outputIndex.put(signature.outputs().get(i).name(), i);
        }
        if (config.batching() == null) {
            batchingOff = "batching is not configured";
            batcher = null;
        } else if (!signature.batchable()) {
            batchingOff = "the model's inputs and outputs do not all have an open first (batch) dimension";
            batcher = null;
        } else if (config.batching().maxSize() < 2) {
            batchingOff = "the batch max size is 1";
            batcher = null;
        } else {
            batchingOff = null;
            batcher = new Batcher(config.name() + (config.version().isEmpty() ? "" : ":" + config.version()), model, metrics,
                    config.batching().maxSize(), config.batching().maxDelayMicros() * 1000);
        }
    }

    String name() {
        return config.name();
    }

    String version() {
        return config.version();
    }

    ModelSignature signature() {
        return signature;
    }

    ServerMetrics.ModelMetrics metrics() {
        return metrics;
    }

    boolean batching() {
        return batcher != null;
    }

    /** Why requests run one by one, or null when they are batched. */
    String batchingOff() {
        return batchingOff;
    }

    ModelConfig config() {
        return config;
    }

    /**
     * Checks a request against the model and runs it (through the batcher when there is one).
     *
     * @return the outputs the request asked for, in the order it asked (the model's order when it named none)
     * @throws ModelException when the request does not fit the model
     */
    Tensor[] infer(InferRequest request) throws InterruptedException {
        Tensor[] inputs = new Tensor[inputShapes.length];
        for (Tensor t : request.inputs()) {
            Integer index = inputIndex.get(t.name());
            if (index == null) {
                throw new ModelException("model '" + name() + "' has no input '" + t.name() + "'; its inputs are " + describe(signature.inputs()));
            }
            if (inputs[index] != null) {
                throw new ModelException("input '" + t.name() + "' is given twice");
            }
            TensorSpec spec = signature.inputs().get(index);
            if (t.datatype() != spec.datatype()) {
                throw new ModelException("input '" + t.name() + "' has datatype " + t.datatype() + " but model '" + name()
                        + "' expects " + spec.datatype());
            }
            if (!fits(t.shape(), inputShapes[index])) {
                throw new ModelException("input '" + t.name() + "' has shape " + Arrays.toString(t.shape()) + " but model '" + name()
                        + "' expects " + Arrays.toString(inputShapes[index]) + " (-1: any size)");
            }
            inputs[index] = t;
        }
        for (int i = 0; i < inputs.length; i++) {
            if (inputs[i] == null) {
                throw new ModelException("input '" + signature.inputs().get(i).name() + "' of model '" + name() + "' is missing");
            }
        }
        int[] order = requestedOutputs(request.outputs());
        Tensor[] all;
        if (batcher != null && sameRows(inputs)) {
            CompletableFuture<Tensor[]> future = batcher.submit(inputs, (int) inputs[0].shape()[0]);
            try {
                all = future.get();
            } catch (ExecutionException e) {
                if (e.getCause() instanceof ModelException m) {
                    throw m;
                }
                throw new IllegalStateException(e.getCause());
            }
        } else {
            boolean[] wanted = null;
            if (request.outputs() != null) {
                wanted = new boolean[signature.outputs().size()];
                for (int i : order) {
                    wanted[i] = true;
                }
            }
            long start = System.nanoTime();
            all = model.run(inputs, wanted);
            metrics.computed(System.nanoTime() - start, inputs[0].shape().length > 0 ? (int) inputs[0].shape()[0] : 1);
        }
        Tensor[] out = new Tensor[order.length];
        for (int i = 0; i < order.length; i++) {
            out[i] = all[order[i]];
        }
        return out;
    }

    private int[] requestedOutputs(List<String> names) {
        if (names == null) {
            int[] all = new int[signature.outputs().size()];
            for (int i = 0; i < all.length; i++) {
                all[i] = i;
            }
            return all;
        }
        int[] order = new int[names.size()];
        for (int i = 0; i < order.length; i++) {
            Integer index = outputIndex.get(names.get(i));
            if (index == null) {
                throw new ModelException("model '" + name() + "' has no output '" + names.get(i) + "'; its outputs are "
                        + describe(signature.outputs()));
            }
            order[i] = index;
        }
        return order;
    }

    private static boolean fits(long[] shape, long[] expected) {
        if (shape.length != expected.length) {
            return false;
        }
        for (int i = 0; i < shape.length; i++) {
            if (expected[i] >= 0 && expected[i] != shape[i]) {
                return false;
            }
        }
        return true;
    }

    /** Batching stacks along the first dimension, so every input must have the same number of rows. */
    private static boolean sameRows(Tensor[] inputs) {
        long rows = inputs[0].shape()[0];
        for (Tensor t : inputs) {
            if (t.shape()[0] != rows) {
                return false;
            }
        }
        return true;
    }

    static String describe(List<TensorSpec> specs) {
        StringBuilder b = new StringBuilder();
        for (TensorSpec s : specs) {
            if (!b.isEmpty()) {
                b.append(", ");
            }
            b.append('\'').append(s.name()).append("' (").append(s.datatype()).append(' ').append(s.shape()).append(')');
        }
        return b.toString();
    }

    /**
     * Runs one request of zeros (one row, open dimensions as 1) through the whole path: JSON in, the model, JSON out.
     * This loads the classes and initialises ONNX Runtime's kernels before the first client waits for them, and shows
     * at start-up that the model runs. Skipped for inputs of more than 64 Ki elements (a warm-up should be cheap).
     *
     * @return null when it ran, otherwise why not
     */
    String warmUp() {
        StringBuilder json = new StringBuilder("{\"inputs\":[");
        for (TensorSpec spec : signature.inputs()) {
            long[] shape = spec.shapeArray();
            for (int d = 0; d < shape.length; d++) {
                shape[d] = shape[d] < 0 ? 1 : shape[d];
            }
            long n = Tensor.elementCount(shape);
            if (n < 0 || n > 65_536) {
                return "input '" + spec.name() + "' is too large for a warm-up";
            }
            json.append(json.charAt(json.length() - 1) == '[' ? "" : ",")
                    .append("{\"name\":\"").append(spec.name().replace("\\", "\\\\").replace("\"", "\\\""))
                    .append("\",\"datatype\":\"").append(spec.datatype()).append("\",\"shape\":").append(Arrays.toString(shape))
                    .append(",\"data\":[");
            String zero = switch (spec.datatype()) {
                case BOOL -> "false";
                case BYTES -> "\"\"";
                default -> "0";
            };
            for (long i = 0; i < n; i++) {
                json.append(i == 0 ? "" : ",").append(zero);
            }
            json.append("]}");
        }
        json.append("]}");
        try {
            byte[] body = json.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
            InferRequest request = dev.berth.model.oip.InferRequestParser.parse(body, body.length);
            Tensor[] inputs = new Tensor[signature.inputs().size()];
            for (Tensor t : request.inputs()) {
                inputs[inputIndex.get(t.name())] = t;
            }
            Tensor[] out = model.run(inputs, null);
            dev.berth.model.oip.ProtocolJson.inferResponse(name(), version(), "warm-up", out);
            return null;
        } catch (RuntimeException e) {
            return e.getMessage();
        }
    }

    /** Runs what waits in the batch queue now instead of after the batch delay (the server is stopping). */
    void flush() {
        if (batcher != null) {
            batcher.flushNow();
        }
    }

    @Override
    public void close() {
        if (batcher != null) {
            batcher.close();
        }
        model.close();
    }
}
