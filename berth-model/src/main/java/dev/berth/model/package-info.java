/** Packaging ONNX models as images that serve the Open Inference Protocol, the model server itself, and local deployments. */
package dev.berth.model;
