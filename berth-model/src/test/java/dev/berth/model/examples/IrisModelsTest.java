package dev.berth.model.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.model.onnx.TestModels;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The committed example models are exactly what their generator makes, and the two versions disagree where they should. */
class IrisModelsTest {
    @TempDir
    Path dir;

    @Test
    void retrainingGivesTheCommittedBytes() throws Exception {
        IrisModels.main(new String[] {dir.toString()});
        Path committed = TestModels.repoRoot().resolve("examples/models");
        assertThat(Files.readAllBytes(dir.resolve("iris-v1.onnx"))).isEqualTo(Files.readAllBytes(committed.resolve("iris-v1.onnx")));
        assertThat(Files.readAllBytes(dir.resolve("iris-v2.onnx"))).isEqualTo(Files.readAllBytes(committed.resolve("iris-v2.onnx")));
    }

    @Test
    void theVersionsAgreeOnAClearFlowerAndDisagreeOnABorderlineOne() {
        var v1 = IrisModels.trainVersion(1);
        var v2 = IrisModels.trainVersion(2);
        assertThat(IrisModels.predict(v1, IrisModels.CLEAR_SETOSA)).isEqualTo("setosa");
        assertThat(IrisModels.predict(v2, IrisModels.CLEAR_SETOSA)).isEqualTo("setosa");
        assertThat(IrisModels.predict(v1, IrisModels.BORDERLINE)).isEqualTo("versicolor");
        assertThat(IrisModels.predict(v2, IrisModels.BORDERLINE)).isEqualTo("virginica");
        // the README documents this column order
        assertThat(IrisModels.classOrder(v1)).containsExactly("virginica", "setosa", "versicolor");
    }
}
