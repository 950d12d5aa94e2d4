package dev.berth.model.packaging;

import dev.berth.model.ModelException;
import dev.berth.oci.OciException;
import dev.berth.oci.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.List;
import tools.jackson.core.type.TypeReference;

/** A model's inputs and outputs, read from its ONNX graph, in graph order. */
public record ModelSignature(List<TensorSpec> inputs, List<TensorSpec> outputs) {
    private static final TypeReference<List<TensorSpec>> LIST = new TypeReference<>() {
    };

    public ModelSignature {
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
    }

    /** The label form of a list: canonical JSON {@code [{"name":…,"datatype":…,"shape":[…]}]}. */
    public static String toJson(List<TensorSpec> tensors) {
        return new String(Json.canonicalBytes(tensors), StandardCharsets.UTF_8);
    }

    /** Reads the label form back; a label that is not such a list is an error naming it. */
    public static List<TensorSpec> fromJson(String json, String what) {
        try {
            return Json.mapper().readValue(json, LIST);
        } catch (RuntimeException e) {
            throw new ModelException("malformed " + what + ": " + (e instanceof OciException ? e.getMessage() : e.getClass().getSimpleName()), e);
        }
    }

    /** True when every input has an open first dimension, which dynamic batching stacks requests along. */
    public boolean batchable() {
        return !inputs.isEmpty() && inputs.stream().allMatch(TensorSpec::batchable);
    }
}
