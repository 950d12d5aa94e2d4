package dev.berth.model.oip;

import dev.berth.model.onnx.Tensor;
import java.util.List;

/**
 * An inference request of the Open Inference Protocol as read from its JSON, not yet checked against a model.
 *
 * @param id the client's request id, echoed in the response; null when the client sent none
 * @param inputs the input tensors, each with the data the client sent
 * @param outputs the names of the outputs the client asked for, in its order; null for all of them
 */
public record InferRequest(String id, List<Tensor> inputs, List<String> outputs) {
}
