package dev.berth.tiny.interpreter;

import dev.berth.tiny.TinyException;
import dev.berth.tiny.arena.ArenaPlan;
import dev.berth.tiny.arena.BufferRequest;
import dev.berth.tiny.arena.GreedyMemoryPlanner;
import dev.berth.tiny.kernels.Kernel;
import dev.berth.tiny.kernels.OpContext;
import dev.berth.tiny.kernels.OpResolver;
import dev.berth.tiny.kernels.RuntimeTensor;
import dev.berth.tiny.tflite.OperatorSpec;
import dev.berth.tiny.tflite.TensorSpec;
import dev.berth.tiny.tflite.TfliteModel;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A TensorFlow Lite Micro style interpreter: at load time it checks that every operator is supported, plans every
 * tensor computed at run time into one arena (see {@link GreedyMemoryPlanner}) and prepares one kernel per
 * operator; {@link #invoke()} then runs the kernels in order over that arena and allocates nothing.
 *
 * <p>As in TFLM, the arena reuses an input tensor's bytes once no operator needs them any more: write the inputs
 * before every {@link #invoke()}. Outputs stay valid until the next invoke.
 *
 * <p>Not thread-safe: one interpreter runs one inference at a time (create one per thread).
 */
public final class MicroInterpreter {
    private final TfliteModel model;
    private final ArenaPlan plan;
    private final byte[] arena;
    private final List<RuntimeTensor> tensors;
    private final Kernel[] kernels;

    private MicroInterpreter(TfliteModel model, OpResolver resolver) {
        this.model = model;
        if (model.subgraphCount() > 1) {
            throw new TinyException("the model has " + model.subgraphCount() + " subgraphs; only single-subgraph models "
                    + "are supported");
        }
        List<OpResolver.KernelFactory> factories = resolveAll(model, resolver);
        this.plan = planArena(model);
        this.arena = new byte[plan.arenaBytes()];
        List<RuntimeTensor> bound = new ArrayList<>(model.tensors().size());
        for (TensorSpec spec : model.tensors()) {
            int offset = spec.isConstant() ? 0 : offsetIn(plan, spec.index());
            bound.add(new RuntimeTensor(spec, spec.isConstant() ? null : arena, offset));
        }
        this.tensors = List.copyOf(bound);
        this.kernels = new Kernel[model.operators().size()];
        for (OperatorSpec op : model.operators()) {
            OpContext context = new OpContext(op, tensors);
            try {
                kernels[op.index()] = factories.get(op.index()).prepare(context);
            } catch (TinyException e) {
                throw e;
            } catch (RuntimeException e) {
                throw new TinyException(context.where() + ": the model's parameters are inconsistent ("
                        + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")", e);
            }
        }
    }

    /** Reads a .tflite file and prepares it. */
    public static MicroInterpreter load(Path modelFile) {
        return create(TfliteModel.read(modelFile));
    }

    public static MicroInterpreter create(TfliteModel model) {
        return create(model, OpResolver.builtin());
    }

    public static MicroInterpreter create(TfliteModel model, OpResolver resolver) {
        return new MicroInterpreter(model, resolver);
    }

    /** Fails with every unsupported operator named, before anything is prepared. */
    private static List<OpResolver.KernelFactory> resolveAll(TfliteModel model, OpResolver resolver) {
        List<OpResolver.KernelFactory> factories = new ArrayList<>();
        Map<String, List<Integer>> missing = new LinkedHashMap<>();
        for (OperatorSpec op : model.operators()) {
            var factory = resolver.find(op);
            if (factory.isEmpty()) {
                missing.computeIfAbsent(op.opName(), k -> new ArrayList<>()).add(op.index());
            }
            factories.add(factory.orElse(null));
        }
        if (!missing.isEmpty()) {
            StringBuilder text = new StringBuilder("the model uses operators Berth's interpreter does not support: ");
            boolean first = true;
            for (var entry : missing.entrySet()) {
                text.append(first ? "" : ", ").append(entry.getKey()).append(" (operator")
                        .append(entry.getValue().size() > 1 ? "s " : " ")
                        .append(String.join(", ", entry.getValue().stream().map(String::valueOf).toList())).append(')');
                first = false;
            }
            text.append("; supported: ").append(String.join(", ", resolver.supportedOperators()));
            throw new TinyException(text.toString());
        }
        return factories;
    }

    /**
     * Lifetimes as TFLM assigns them: graph inputs live from the first operator, graph outputs to the last,
     * variable tensors throughout, every other tensor from the operator that writes it to the last that reads it.
     */
    private static ArenaPlan planArena(TfliteModel model) {
        int n = model.tensors().size();
        int last = Math.max(0, model.operators().size() - 1);
        int[] first = new int[n];
        int[] lastUse = new int[n];
        Arrays.fill(first, -1);
        Arrays.fill(lastUse, -1);
        for (int i : model.inputs()) {
            first[i] = 0;
            lastUse[i] = Math.max(lastUse[i], 0);
        }
        for (OperatorSpec op : model.operators()) {
            for (int i : op.inputs()) {
                if (i >= 0) {
                    if (first[i] < 0) {
                        first[i] = op.index();
                    }
                    lastUse[i] = Math.max(lastUse[i], op.index());
                }
            }
            for (int i : op.outputs()) {
                if (first[i] < 0) {
                    first[i] = op.index();
                }
                lastUse[i] = Math.max(lastUse[i], op.index());
            }
        }
        for (int i : model.outputs()) {
            if (first[i] < 0) {
                first[i] = 0;
            }
            lastUse[i] = last;
        }
        List<BufferRequest> requests = new ArrayList<>();
        for (TensorSpec spec : model.tensors()) {
            int i = spec.index();
            if (spec.isConstant() || first[i] < 0) {
                continue;
            }
            if (spec.variable()) {
                first[i] = 0;
                lastUse[i] = last;
            }
            long size = (long) spec.elementCount() * spec.type().bytes();
            if (size > Integer.MAX_VALUE / 2) {
                throw new TinyException(spec.describe() + " is too large for an arena");
            }
            requests.add(new BufferRequest(i, (int) size, first[i], lastUse[i]));
        }
        return GreedyMemoryPlanner.plan(requests);
    }

    private static int offsetIn(ArenaPlan plan, int tensor) {
        for (int i = 0; i < plan.requests().size(); i++) {
            if (plan.requests().get(i).id() == tensor) {
                return plan.offsets()[i];
            }
        }
        return 0; // a tensor no operator touches: it gets no bytes and is never read
    }

    /** Runs the model once over the inputs already written into the arena. */
    public void invoke() {
        for (int i = 0; i < kernels.length; i++) {
            try {
                kernels[i].invoke();
            } catch (RuntimeException e) {
                throw new TinyException("operator " + i + " (" + model.operators().get(i).opName() + ") failed: "
                        + e, e);
            }
        }
    }

    /** Clears the state stateful kernels keep between invocations (a noise estimate, for instance). */
    public void resetState() {
        for (Kernel kernel : kernels) {
            kernel.reset();
        }
    }

    public TfliteModel model() {
        return model;
    }

    public ArenaPlan arenaPlan() {
        return plan;
    }

    /** Bytes of the one arena that holds every tensor computed at run time. */
    public int arenaBytes() {
        return arena.length;
    }

    public int inputCount() {
        return model.inputs().length;
    }

    public int outputCount() {
        return model.outputs().length;
    }

    public RuntimeTensor input(int i) {
        return tensors.get(model.inputs()[checkIndex(i, model.inputs().length, "input")]);
    }

    public RuntimeTensor output(int i) {
        return tensors.get(model.outputs()[checkIndex(i, model.outputs().length, "output")]);
    }

    public RuntimeTensor tensor(int index) {
        return tensors.get(index);
    }

    /** Writes real values into input {@code i}, quantizing them if the input is quantized. */
    public void setInput(int i, float[] values) {
        TensorValues.write(input(i), values);
    }

    /** Writes quantized values, in the model's declared type (0..255 for uint8), into input {@code i}. */
    public void setInputQuantized(int i, int[] values) {
        TensorValues.writeQuantized(input(i), values);
    }

    /** Output {@code i} as real values (dequantized if quantized). */
    public float[] outputValues(int i) {
        return TensorValues.read(output(i));
    }

    /** Output {@code i}'s quantized values in the model's declared type. */
    public int[] outputQuantized(int i) {
        return TensorValues.readQuantized(output(i));
    }

    private static int checkIndex(int i, int count, String what) {
        if (i < 0 || i >= count) {
            throw new TinyException("the model has " + count + " " + what + (count == 1 ? "" : "s") + ", not " + (i + 1));
        }
        return i;
    }
}
