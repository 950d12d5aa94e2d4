package dev.berth.tiny.container;

import dev.berth.tiny.TinyException;
import dev.berth.tiny.blocks.BuiltinBlocks;
import dev.berth.tiny.blocks.ProcBlockFactory;
import dev.berth.tiny.blocks.WasmBlock;
import dev.berth.tiny.interpreter.MicroInterpreter;
import dev.berth.tiny.pipeline.Capabilities;
import dev.berth.tiny.pipeline.ElementType;
import dev.berth.tiny.pipeline.Pipeline;
import dev.berth.tiny.pipeline.PortType;
import dev.berth.tiny.pipeline.Stage;
import dev.berth.tiny.pipeline.StageInput;
import dev.berth.tiny.tflite.TensorSpec;
import dev.berth.tiny.tflite.TfliteModel;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks a pipeline graph before anything is built or run: every stage's kind is known, every input names an
 * existing output, the graph has no cycle, and the types and shapes agree along every edge (with each model's real
 * tensors and each block's rules). Every error names the stage it is about.
 */
public final class PipelineChecker {
    /** Where model and WebAssembly files come from: the build directory, or an artifact's layers. */
    public interface Files {
        /** The file's bytes; throws a TinyException naming the stage when it is missing. */
        byte[] read(Stage stage, String path);
    }

    private PipelineChecker() {
    }

    public static CheckedPipeline check(List<Stage> stages, Files files) {
        Map<String, Stage> byName = new LinkedHashMap<>();
        for (Stage s : stages) {
            if (byName.put(s.name(), s) != null) {
                throw new TinyException("stage '" + s.name() + "' is declared twice");
            }
        }
        for (Stage s : stages) {
            checkShape(s);
            for (StageInput in : s.inputs()) {
                Stage source = byName.get(in.stage());
                String where = "stage '" + s.name() + "'";
                if (source == null) {
                    throw new TinyException(where + ": input '" + in + "' names no stage in the pipeline");
                }
                if (source instanceof Stage.Out) {
                    throw new TinyException(where + ": input '" + in + "' is an out stage, which gives no tensors");
                }
                if (in.index() >= source.outputs().size()) {
                    throw new TinyException(where + ": input '" + in + "' asks for output " + in.index() + " of stage '"
                            + source.name() + "', which declares " + source.outputs().size() + " output(s)");
                }
            }
        }
        Pipeline pipeline = new Pipeline(topologicalOrder(stages, byName));
        Map<String, byte[]> contents = new HashMap<>();
        Map<String, Integer> arenas = new HashMap<>();
        Map<String, Long> wasmMemory = new HashMap<>();
        for (Stage s : pipeline.stages()) {
            List<PortType> inputs = s.inputs().stream().map(pipeline::typeOf).toList();
            switch (s) {
                case Stage.Capability c -> Capabilities.check(c);
                case Stage.Out o -> {
                }
                case Stage.Model m -> {
                    byte[] bytes = files.read(m, m.path());
                    arenas.put(m.name(), checkModel(m, bytes, inputs));
                    contents.put(m.name(), bytes);
                }
                case Stage.ProcBlock p -> {
                    if (BuiltinBlocks.isLocal(p.block())) {
                        byte[] bytes = files.read(p, p.block());
                        wasmMemory.put(p.name(), WasmBlock.load(p, bytes, inputs).memoryCapBytes());
                        contents.put(p.name(), bytes);
                    } else {
                        ProcBlockFactory factory = BuiltinBlocks.find(p.block()).orElseThrow(() -> new TinyException(
                                "stage '" + p.name() + "': unknown processing block '" + p.block() + "' (built-ins: "
                                        + String.join(", ", BuiltinBlocks.names()) + "; or a ./file.wasm)"));
                        factory.check(p, inputs);
                    }
                }
            }
        }
        return new CheckedPipeline(pipeline, contents, arenas, wasmMemory);
    }

    private static void checkShape(Stage s) {
        String where = "stage '" + s.name() + "'";
        switch (s) {
            case Stage.Capability c -> {
            }
            case Stage.Out o -> {
                if (!Set.of("SERIAL", "TENSOR").contains(o.kind().toUpperCase(java.util.Locale.ROOT))) {
                    throw new TinyException(where + ": unknown output '" + o.kind() + "' (known: SERIAL, TENSOR)");
                }
                if (o.inputs().isEmpty()) {
                    throw new TinyException(where + ": an out stage needs at least one input");
                }
            }
            default -> {
                if (s.inputs().isEmpty()) {
                    throw new TinyException(where + ": needs at least one input");
                }
                if (s.outputs().isEmpty()) {
                    throw new TinyException(where + ": declares no outputs");
                }
            }
        }
    }

    /** Kahn's algorithm in file order; what is left over lies on a cycle, which the error spells out. */
    private static List<Stage> topologicalOrder(List<Stage> stages, Map<String, Stage> byName) {
        Map<String, Integer> pending = new HashMap<>();
        Map<String, List<String>> readers = new HashMap<>();
        for (Stage s : stages) {
            Set<String> sources = new java.util.LinkedHashSet<>();
            s.inputs().forEach(in -> sources.add(in.stage()));
            pending.put(s.name(), sources.size());
            for (String source : sources) {
                readers.computeIfAbsent(source, k -> new ArrayList<>()).add(s.name());
            }
        }
        List<Stage> order = new ArrayList<>();
        Deque<String> ready = new ArrayDeque<>();
        stages.stream().filter(s -> pending.get(s.name()) == 0).forEach(s -> ready.add(s.name()));
        while (!ready.isEmpty()) {
            String name = ready.poll();
            order.add(byName.get(name));
            for (String reader : readers.getOrDefault(name, List.of())) {
                if (pending.merge(reader, -1, Integer::sum) == 0) {
                    ready.add(reader);
                }
            }
        }
        if (order.size() < stages.size()) {
            String start = stages.stream().filter(s -> pending.get(s.name()) > 0).findFirst().orElseThrow().name();
            throw new TinyException("stage '" + start + "' is on a cycle: " + describeCycle(start, byName, pending));
        }
        return order;
    }

    private static String describeCycle(String start, Map<String, Stage> byName, Map<String, Integer> pending) {
        List<String> path = new ArrayList<>();
        String at = start;
        while (!path.contains(at)) {
            path.add(at);
            at = byName.get(at).inputs().stream().map(StageInput::stage).filter(n -> pending.get(n) > 0).findFirst().orElseThrow();
        }
        List<String> cycle = new ArrayList<>(path.subList(path.indexOf(at), path.size()));
        cycle.add(at);
        java.util.Collections.reverse(cycle);
        return String.join(" -> ", cycle);
    }

    private static int checkModel(Stage.Model m, byte[] bytes, List<PortType> inputs) {
        String where = "stage '" + m.name() + "' (model " + m.path() + ")";
        MicroInterpreter interpreter;
        try {
            interpreter = MicroInterpreter.create(TfliteModel.read(bytes));
        } catch (TinyException e) {
            throw new TinyException(where + ": " + e.getMessage());
        }
        TfliteModel model = interpreter.model();
        compare(where, "input", inputs, model, model.inputs());
        compare(where, "output", m.outputs(), model, model.outputs());
        return interpreter.arenaBytes();
    }

    private static void compare(String where, String role, List<PortType> given, TfliteModel model, int[] tensors) {
        if (given.size() != tensors.length) {
            throw new TinyException(where + ": the model has " + tensors.length + " " + role + "(s), the stage "
                    + (role.equals("input") ? "gives it " : "declares ") + given.size());
        }
        for (int i = 0; i < tensors.length; i++) {
            TensorSpec spec = model.tensor(tensors[i]);
            ElementType expected = ElementType.ofTflite(spec.type());
            PortType g = given.get(i);
            if (expected == null || g.type() != expected || g.elementCount() != spec.elementCount()) {
                throw new TinyException(where + ": " + role + " " + i + " of the model is " + spec.describe() + ", but the stage "
                        + (role.equals("input") ? "feeds it " : "declares ") + g);
            }
        }
    }
}
