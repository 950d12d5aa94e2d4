package dev.berth.tiny.runtime;

import dev.berth.tiny.TinyException;
import dev.berth.tiny.blocks.BuiltinBlocks;
import dev.berth.tiny.blocks.ProcBlock;
import dev.berth.tiny.blocks.WasmBlock;
import dev.berth.tiny.container.CheckedPipeline;
import dev.berth.tiny.interpreter.MicroInterpreter;
import dev.berth.tiny.pipeline.Capabilities;
import dev.berth.tiny.pipeline.ElementType;
import dev.berth.tiny.pipeline.PortType;
import dev.berth.tiny.pipeline.Stage;
import dev.berth.tiny.pipeline.StageInput;
import dev.berth.tiny.pipeline.Tensor;
import dev.berth.tiny.tflite.TfliteModel;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Runs a checked pipeline on the host the way the device would: capabilities read the inputs they are given, stages
 * run in order, out stages collect what they receive. Models run in the pure-Java interpreter (one arena each),
 * WebAssembly blocks in Chicory with their memory cap and the instruction budget. A runner keeps its interpreters and
 * block instances between runs, as a device does; it is not thread-safe.
 */
public final class PipelineRunner {
    private final CheckedPipeline checked;
    private final Map<String, MicroInterpreter> models = new HashMap<>();
    private final Map<String, ProcBlock> blocks = new HashMap<>();
    private final Random random = new Random(0x7e11);

    public PipelineRunner(CheckedPipeline checked, long instructionBudget) {
        if (instructionBudget < 1) {
            throw new TinyException("the instruction budget must be at least 1, got " + instructionBudget);
        }
        this.checked = checked;
        for (Stage s : checked.pipeline().stages()) {
            List<PortType> inputs = s.inputs().stream().map(checked.pipeline()::typeOf).toList();
            switch (s) {
                case Stage.Model m -> models.put(m.name(), MicroInterpreter.create(TfliteModel.read(checked.files().get(m.name()))));
                case Stage.ProcBlock p -> blocks.put(p.name(), BuiltinBlocks.isLocal(p.block())
                        ? WasmBlock.load(p, checked.files().get(p.name()), inputs).instantiate(instructionBudget)
                        : BuiltinBlocks.find(p.block()).orElseThrow().create(p, inputs));
                default -> {
                }
            }
        }
    }

    /**
     * The capability stage an {@code --input} key means: a stage name, or a capability kind the container declares
     * once. A capability the container does not declare is refused: it cannot reach sensors it did not ask for.
     */
    public Stage.Capability capability(String key) {
        List<Stage.Capability> declared = checked.pipeline().capabilities();
        for (Stage.Capability c : declared) {
            if (c.name().equals(key)) {
                return c;
            }
        }
        List<Stage.Capability> ofKind = declared.stream()
                .filter(c -> Capabilities.normalize(c.kind()).equals(Capabilities.normalize(key))).toList();
        if (ofKind.size() == 1) {
            return ofKind.getFirst();
        }
        String list = declared.stream().map(c -> c.name() + " (" + Capabilities.normalize(c.kind()) + ")").reduce((a, b) -> a + ", " + b).orElse("none");
        if (ofKind.size() > 1) {
            throw new TinyException("capability " + key + " is declared by several stages; name one: " + list);
        }
        throw new TinyException("the container does not declare capability '" + key + "', so it cannot read it; it declares: " + list);
    }

    /** Runs once. {@code inputs} maps capability stage names to their readings; RAND stages without one get random values. */
    public List<RunOutput> run(Map<String, Tensor> inputs) {
        for (String key : inputs.keySet()) {
            capability(key);
        }
        Map<String, List<Tensor>> values = new HashMap<>();
        List<RunOutput> outputs = new ArrayList<>();
        for (Stage s : checked.pipeline().stages()) {
            List<Tensor> in = new ArrayList<>();
            for (StageInput ref : s.inputs()) {
                in.add(values.get(ref.stage()).get(ref.index()));
            }
            List<Tensor> out = switch (s) {
                case Stage.Capability c -> List.of(reading(c, inputs.get(c.name())));
                case Stage.Model m -> runModel(m, in);
                case Stage.ProcBlock p -> {
                    List<Tensor> result = blocks.get(p.name()).run(in);
                    yield conform(p, result);
                }
                case Stage.Out o -> {
                    outputs.add(new RunOutput(o.name(), o.kind().toUpperCase(java.util.Locale.ROOT), in));
                    yield List.of();
                }
            };
            values.put(s.name(), out);
        }
        return outputs;
    }

    private Tensor reading(Stage.Capability c, Tensor given) {
        if (given != null) {
            return given;
        }
        PortType type = c.outputs().getFirst();
        if (!Capabilities.normalize(c.kind()).equals("RAND")) {
            throw new TinyException("no input for capability '" + c.name() + "' (" + Capabilities.normalize(c.kind())
                    + "): give --input " + c.name() + "=FILE");
        }
        double[] v = new double[type.elementCount()];
        for (int i = 0; i < v.length; i++) {
            v[i] = type.type().isFloat() ? random.nextDouble() : Math.floor(random.nextDouble() * Math.min(256, type.type().max() + 1));
        }
        return Tensor.numeric(type, v);
    }

    /** Block results keep the stage's declared dimensions (blocks may reshape freely within the element count). */
    private static List<Tensor> conform(Stage s, List<Tensor> result) {
        if (result.size() != s.outputs().size()) {
            throw new TinyException("stage '" + s.name() + "' gave " + result.size() + " outputs, it declares " + s.outputs().size());
        }
        List<Tensor> out = new ArrayList<>();
        for (int i = 0; i < result.size(); i++) {
            Tensor t = result.get(i);
            PortType declared = s.outputs().get(i);
            out.add(t.type().type() == ElementType.UTF8 ? Tensor.text(declared, t.strings()) : Tensor.numeric(declared, t.numbers()));
        }
        return out;
    }

    private List<Tensor> runModel(Stage.Model m, List<Tensor> in) {
        MicroInterpreter interpreter = models.get(m.name());
        for (int i = 0; i < in.size(); i++) {
            double[] v = in.get(i).numbers();
            if (in.get(i).type().type().isFloat()) {
                float[] f = new float[v.length];
                for (int k = 0; k < v.length; k++) {
                    f[k] = (float) v[k];
                }
                interpreter.setInput(i, f);
            } else {
                int[] q = new int[v.length];
                for (int k = 0; k < v.length; k++) {
                    q[k] = (int) v[k];
                }
                interpreter.setInputQuantized(i, q);
            }
        }
        try {
            interpreter.invoke();
        } catch (TinyException e) {
            throw new TinyException("stage '" + m.name() + "' (model " + m.path() + "): " + e.getMessage(), e);
        }
        List<Tensor> out = new ArrayList<>();
        for (int i = 0; i < m.outputs().size(); i++) {
            PortType type = m.outputs().get(i);
            double[] v;
            if (type.type().isFloat()) {
                float[] f = interpreter.outputValues(i);
                v = new double[f.length];
                for (int k = 0; k < f.length; k++) {
                    v[k] = f[k];
                }
            } else {
                v = java.util.Arrays.stream(interpreter.outputQuantized(i)).asDoubleStream().toArray();
            }
            out.add(Tensor.numeric(type, v));
        }
        return out;
    }
}
