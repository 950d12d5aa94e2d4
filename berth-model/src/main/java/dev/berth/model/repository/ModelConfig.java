package dev.berth.model.repository;

import dev.berth.model.ModelException;
import dev.berth.oci.OciException;
import dev.berth.oci.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * How the server should serve one model: the file {@code config.json} beside {@code model.onnx} in a model
 * repository directory ({@code /models/NAME/} in a packaged image). The packager writes it; the server reads it.
 *
 * @param name the model's name in the protocol's paths
 * @param version the model's version ({@code /v2/models/NAME/versions/VERSION}); may be empty
 * @param batching dynamic batching, or null when requests run one at a time
 */
public record ModelConfig(String name, String version, Batching batching) {
    /** The file name inside a model's directory. */
    public static final String FILE_NAME = "config.json";
    /** The model file name inside a model's directory. */
    public static final String MODEL_FILE = "model.onnx";

    public ModelConfig {
        if (name == null || !name.matches("[A-Za-z0-9][A-Za-z0-9_.-]{0,127}")) {
            throw new ModelException("model name '" + name + "' is not valid: use letters, digits, '_', '.' and '-', "
                    + "starting with a letter or digit, at most 128 characters");
        }
        version = version == null ? "" : version;
    }

    /**
     * Requests wait up to {@code maxDelayMicros} for others, and at most {@code maxSize} run as one batch.
     */
    public record Batching(int maxSize, long maxDelayMicros) {
        public Batching {
            if (maxSize < 1) {
                throw new ModelException("batch max size must be at least 1, not " + maxSize);
            }
            if (maxDelayMicros < 0) {
                throw new ModelException("batch max delay must not be negative");
            }
        }

        public Duration maxDelay() {
            return Duration.ofNanos(maxDelayMicros * 1000);
        }
    }

    public byte[] toJson() {
        return Json.canonicalBytes(this);
    }

    public static ModelConfig read(Path file) {
        try {
            return Json.read(Files.readAllBytes(file), ModelConfig.class, "model config " + file);
        } catch (IOException e) {
            throw new ModelException("cannot read model config " + file + ": " + e.getMessage(), e);
        } catch (OciException e) {
            throw new ModelException(e.getMessage(), e);
        }
    }
}
