package dev.berth.model.packaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.model.ModelException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OnnxModelInspectorTest {
    @TempDir
    Path dir;

    @Test
    void readsInputsAndOutputsWithTheProtocolsDatatypesAndOpenDimensions() throws Exception {
        Path model = OnnxModels.write(dir.resolve("m.onnx"), OnnxModels.classifier(1, true));
        ModelSignature signature = OnnxModelInspector.inspect(model);
        assertThat(signature.inputs()).containsExactly(new TensorSpec("features", "FP32", List.of(-1L, 4L)));
        assertThat(signature.outputs()).containsExactly(new TensorSpec("scores", "FP32", List.of(-1L, 3L)),
                new TensorSpec("label", "INT64", List.of(-1L)));
        assertThat(signature.batchable()).isTrue();
        assertThat(ModelSignature.toJson(signature.inputs()))
                .isEqualTo("[{\"name\":\"features\",\"datatype\":\"FP32\",\"shape\":[-1,4]}]");
        assertThat(ModelSignature.fromJson(ModelSignature.toJson(signature.outputs()), "outputs")).isEqualTo(signature.outputs());

        ModelSignature fixed = OnnxModelInspector.inspect(OnnxModels.write(dir.resolve("f.onnx"), OnnxModels.classifier(1, false)));
        assertThat(fixed.inputs().getFirst().shape()).containsExactly(1L, 4L);
        assertThat(fixed.batchable()).isFalse();
    }

    @Test
    void aTextFileATruncatedModelAndAnEmptyFileAreRefusedByName() throws Exception {
        Path text = dir.resolve("notes.onnx");
        Files.writeString(text, "this is not a model, just some notes\n");
        assertThatThrownBy(() -> OnnxModelInspector.inspect(text)).isInstanceOf(ModelException.class)
                .hasMessageStartingWith(text + " is not a valid ONNX model: ");

        byte[] whole = OnnxModels.classifier(1, true);
        Path truncated = OnnxModels.write(dir.resolve("truncated.onnx"), Arrays.copyOf(whole, whole.length / 2));
        assertThatThrownBy(() -> OnnxModelInspector.inspect(truncated)).isInstanceOf(ModelException.class)
                .hasMessageStartingWith(truncated + " is not a valid ONNX model: ");

        Path empty = Files.createFile(dir.resolve("empty.onnx"));
        assertThatThrownBy(() -> OnnxModelInspector.inspect(empty)).isInstanceOf(ModelException.class)
                .hasMessage(empty + " is not a valid ONNX model: the file is empty");

        assertThatThrownBy(() -> OnnxModelInspector.inspect(dir.resolve("missing.onnx"))).isInstanceOf(ModelException.class)
                .hasMessage("model file " + dir.resolve("missing.onnx") + " does not exist");
        assertThatThrownBy(() -> OnnxModelInspector.inspect(dir)).isInstanceOf(ModelException.class)
                .hasMessage("model file " + dir + " is not a regular file");
    }
}
