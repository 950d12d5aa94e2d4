package dev.berth.model.packaging;

import ai.onnxruntime.MapInfo;
import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.SequenceInfo;
import ai.onnxruntime.TensorInfo;
import ai.onnxruntime.ValueInfo;
import dev.berth.model.ModelException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Checks that a file is an ONNX model ONNX Runtime can load, and reads its inputs and outputs. Loading it is the check:
 * ONNX Runtime parses the protobuf, checks the graph against its operator sets and plans the session, so a file that
 * passes here is one the server in the image will load too.
 */
public final class OnnxModelInspector {
    private OnnxModelInspector() {
    }

    public static ModelSignature inspect(Path model) {
        requireReadableFile(model);
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            // Checking, not serving: no graph optimisation, one thread.
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.NO_OPT);
            options.setIntraOpNumThreads(1);
            options.setInterOpNumThreads(1);
            try (OrtSession session = OrtEnvironment.getEnvironment().createSession(model.toString(), options)) {
                List<TensorSpec> inputs = specs(model, session.getInputInfo());
                List<TensorSpec> outputs = specs(model, session.getOutputInfo());
                if (inputs.isEmpty() || outputs.isEmpty()) {
                    throw new ModelException(model + " is not a model that can be served: its graph has "
                            + inputs.size() + " inputs and " + outputs.size() + " outputs");
                }
                return new ModelSignature(inputs, outputs);
            }
        } catch (OrtException e) {
            throw new ModelException(model + " is not a valid ONNX model: " + reason(e), e);
        } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
            throw new ModelException("cannot check " + model + ": ONNX Runtime does not load on this host (" + e.getMessage() + ")", e);
        }
    }

    private static void requireReadableFile(Path model) {
        if (!Files.exists(model)) {
            throw new ModelException("model file " + model + " does not exist");
        }
        if (!Files.isRegularFile(model)) {
            throw new ModelException("model file " + model + " is not a regular file");
        }
        if (!Files.isReadable(model)) {
            throw new ModelException("model file " + model + " cannot be read (permission denied)");
        }
        try {
            if (Files.size(model) == 0) {
                throw new ModelException(model + " is not a valid ONNX model: the file is empty");
            }
        } catch (IOException e) {
            throw new ModelException("cannot read model file " + model + ": " + e.getMessage(), e);
        }
    }

    private static List<TensorSpec> specs(Path model, Map<String, NodeInfo> nodes) {
        List<TensorSpec> specs = new ArrayList<>();
        for (NodeInfo node : nodes.values()) {
            specs.add(spec(model, node.getName(), node.getInfo()));
        }
        return specs;
    }

    private static TensorSpec spec(Path model, String name, ValueInfo info) {
        return switch (info) {
            case TensorInfo tensor -> new TensorSpec(name, datatype(model, name, tensor.onnxType),
                    Arrays.stream(tensor.getShape()).map(d -> d < 0 ? -1 : d).boxed().toList());
            // The protocol has no maps or sequences; the server says how it answers them. Named here so labels
            // still tell what the graph holds.
            case SequenceInfo sequence -> new TensorSpec(name, "SEQUENCE", List.of(-1L));
            case MapInfo map -> new TensorSpec(name, "MAP", List.of(-1L));
            default -> throw new ModelException(model + ": value '" + name + "' has a type the model server cannot serve ("
                    + info + ")");
        };
    }

    /** ONNX element types in the Open Inference Protocol's names. */
    static String datatype(Path model, String name, TensorInfo.OnnxTensorType type) {
        return switch (type) {
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_BOOL -> "BOOL";
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT8 -> "UINT8";
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT16 -> "UINT16";
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT32 -> "UINT32";
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT64 -> "UINT64";
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT8 -> "INT8";
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT16 -> "INT16";
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT32 -> "INT32";
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT64 -> "INT64";
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT16 -> "FP16";
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT -> "FP32";
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_DOUBLE -> "FP64";
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_BFLOAT16 -> "BF16";
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_STRING -> "BYTES";
            default -> throw new ModelException(model + ": tensor '" + name + "' has element type "
                    + type.name().replace("ONNX_TENSOR_ELEMENT_DATA_TYPE_", "") + ", which the Open Inference Protocol cannot carry");
        };
    }

    /** ONNX Runtime's message without its status-code prefix ("[ErrorCode:InvalidProtobuf] …"). */
    private static String reason(OrtException e) {
        String message = e.getMessage() == null ? e.toString() : e.getMessage();
        String cleaned = message.replaceFirst("^Error code - ORT_[A-Z_]+ - message: ", "")
                .replaceFirst("^Load model from .* failed: ?", "").strip();
        return cleaned.isEmpty() ? message : cleaned;
    }
}
