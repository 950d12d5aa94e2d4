package dev.berth.model.server;

import dev.berth.model.ModelException;
import dev.berth.model.repository.ModelConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * A model file to serve and how to serve it.
 *
 * @param file the ONNX file
 * @param config its name, version and batching
 */
public record ModelSource(Path file, ModelConfig config) {
    public ModelSource {
        if (file == null || config == null) {
            throw new ModelException("a model to serve needs a file and a config");
        }
    }

    /**
     * The models of a model repository: every {@code DIR/NAME/model.onnx}, with {@code DIR/NAME/config.json} when there
     * is one; without it the model is named after its directory, has no version and is not batched.
     *
     * @throws ModelException when the repository is missing, holds no model, or a config is unreadable
     */
    public static List<ModelSource> scan(Path repository) {
        if (!Files.isDirectory(repository)) {
            throw new ModelException("model repository " + repository + " is not a directory");
        }
        List<ModelSource> found = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(repository)) {
            for (Path dir : dirs.sorted().toList()) {
                Path model = dir.resolve(ModelConfig.MODEL_FILE);
                if (!Files.isRegularFile(model)) {
                    continue;
                }
                Path configFile = dir.resolve(ModelConfig.FILE_NAME);
                ModelConfig config = Files.isRegularFile(configFile)
                        ? ModelConfigReader.read(configFile)
                        : new ModelConfig(dir.getFileName().toString(), "", null);
                found.add(new ModelSource(model, config));
            }
        } catch (IOException e) {
            throw new ModelException("cannot list model repository " + repository + ": " + e.getMessage(), e);
        }
        if (found.isEmpty()) {
            throw new ModelException("model repository " + repository + " holds no model: expected " + repository + "/NAME/"
                    + ModelConfig.MODEL_FILE);
        }
        return found;
    }
}
