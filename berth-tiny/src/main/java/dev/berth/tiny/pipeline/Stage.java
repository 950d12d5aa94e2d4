package dev.berth.tiny.pipeline;

import java.util.List;
import java.util.Map;

/** One node of a tiny container's pipeline: a capability (sensor), a processing block, a model or an output. */
public sealed interface Stage {
    String name();

    List<StageInput> inputs();

    List<PortType> outputs();

    /** The stage's arguments, as written (strings and numbers), with {@code $resource} references resolved. */
    Map<String, String> args();

    /** Reads a sensor the device provides; {@code kind} is SOUND, ACCEL, IMAGE, RAW, RAND or FLOAT_IMAGE. */
    record Capability(String name, String kind, Map<String, String> args, List<PortType> outputs) implements Stage {
        public Capability {
            args = Map.copyOf(args);
            outputs = List.copyOf(outputs);
        }

        @Override
        public List<StageInput> inputs() {
            return List.of();
        }
    }

    /**
     * A processing block: a built-in ({@code hotg-ai/proc-blocks@v0.11.3#fft} or just {@code fft}) or a WebAssembly
     * module in the build directory ({@code ./identity} or {@code ./identity.wasm}).
     */
    record ProcBlock(String name, String block, List<StageInput> inputs, Map<String, String> args,
                     List<PortType> outputs) implements Stage {
        public ProcBlock {
            inputs = List.copyOf(inputs);
            args = Map.copyOf(args);
            outputs = List.copyOf(outputs);
        }
    }

    /** A TensorFlow Lite model file in the build directory. */
    record Model(String name, String path, List<StageInput> inputs, Map<String, String> args,
                 List<PortType> outputs) implements Stage {
        public Model {
            inputs = List.copyOf(inputs);
            args = Map.copyOf(args);
            outputs = List.copyOf(outputs);
        }
    }

    /** Hands tensors back to the device: {@code SERIAL} (printed) or {@code TENSOR}. */
    record Out(String name, String kind, List<StageInput> inputs, Map<String, String> args) implements Stage {
        public Out {
            inputs = List.copyOf(inputs);
            args = Map.copyOf(args);
        }

        @Override
        public List<PortType> outputs() {
            return List.of();
        }
    }
}
