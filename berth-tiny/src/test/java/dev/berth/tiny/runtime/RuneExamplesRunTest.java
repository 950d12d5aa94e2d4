package dev.berth.tiny.runtime;

import dev.berth.oci.store.ImageStore;
import dev.berth.tiny.blocks.WasmBlock;
import dev.berth.tiny.container.TinyBuilder;
import dev.berth.tiny.container.TinyContainer;
import dev.berth.tiny.pipeline.Stage;
import dev.berth.tiny.pipeline.Tensor;
import dev.berth.tiny.testing.SharedData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Every Rune example in the shared folder builds into the store, loads back and runs on its sample inputs. */
class RuneExamplesRunTest {
    @TempDir
    Path root;

    private PipelineRunner runner(String example) {
        Path dir = SharedData.require("rune/examples/" + example);
        ImageStore store = ImageStore.open(root.resolve("store"));
        new TinyBuilder(store).build(dir.resolve("Runefile.yml"), dir, example + ":1", null);
        return new PipelineRunner(TinyContainer.load(store, example + ":1").pipeline(), WasmBlock.DEFAULT_INSTRUCTION_BUDGET);
    }

    private static Map<String, Tensor> input(PipelineRunner runner, String key, Path file) throws IOException {
        Stage.Capability c = runner.capability(key);
        return Map.of(c.name(), SensorFiles.read(c, file.getFileName().toString(), Files.readAllBytes(file)));
    }

    private static List<String> serial(List<RunOutput> outputs) {
        return outputs.getFirst().tensors().getFirst().strings();
    }

    @Test
    void sineComputesTheSineOfTheAngleModulo360() {
        PipelineRunner sine = runner("sine");
        Stage.Capability rand = sine.capability("RAW");
        for (float x : new float[] {0.5f, 1.57f, 361f}) {
            byte[] raw = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(x).array();
            List<RunOutput> out = sine.run(Map.of(rand.name(), SensorFiles.read(rand, "x.raw", raw)));
            double y = out.getFirst().tensors().getFirst().numbers()[0];
            assertThat(y).as("sin(%s mod 360)", x).isCloseTo(Math.sin(x % 360), org.assertj.core.data.Offset.offset(0.1));
        }
    }

    @Test
    void noopPassesItsRawInputThrough() {
        PipelineRunner noop = runner("noop");
        Stage.Capability in = noop.capability("input");
        byte[] raw = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putInt(7).putInt(-1).putInt(0).putInt(123456).array();
        List<RunOutput> out = noop.run(Map.of(in.name(), SensorFiles.read(in, "in.bin", raw)));
        assertThat(out.getFirst().tensors().getFirst().numbers()).containsExactly(7, -1, 0, 123456);
    }

    @Test
    void gestureRunsItsSampleMovementsThroughNormalizeModelAndLabel() throws IOException {
        PipelineRunner gesture = runner("gesture");
        // The shared samples' wing and slope files are byte-identical, so only the ring sample has a known answer;
        // the others must still come out as words of the wordlist, the same word for the same data.
        Path ring = SharedData.require("rune/examples/gesture/example_ring.csv");
        assertThat(serial(gesture.run(input(gesture, "ACCEL", ring)))).containsExactly("Ring");
        List<String> wing = serial(gesture.run(input(gesture, "accelerometer", SharedData.require("rune/examples/gesture/example_wing.csv"))));
        List<String> slope = serial(gesture.run(input(gesture, "ACCEL", SharedData.require("rune/examples/gesture/example_slope.csv"))));
        assertThat(wing).hasSize(1).isEqualTo(slope);
        assertThat(wing.getFirst()).isIn("Wing", "Ring", "Slope", "Unknown");
    }

    @Test
    void personDetectionTellsThePersonFromTheEmptyScene() throws IOException {
        PipelineRunner person = runner("person_detection");
        Path withPerson = SharedData.require("tflite-micro/person_detection/testdata/person.bmp");
        Path withoutPerson = SharedData.require("tflite-micro/person_detection/testdata/no_person.bmp");
        assertThat(serial(person.run(input(person, "IMAGE", withPerson)))).containsExactly("person_prob");
        assertThat(serial(person.run(input(person, "image", withoutPerson)))).containsExactly("not_person_prob");
    }

    @Test
    void microSpeechLabelsItsClips() throws IOException {
        PipelineRunner speech = runner("microspeech");
        Map<String, String> expected = Map.of("up/84d1e469_nohash_0.wav", "up", "down/cd85758f_nohash_0.wav", "down",
                "left/a6f2fd71_nohash_2.wav", "left", "right/fb7eb481_nohash_0.wav", "right");
        int right = 0;
        StringBuilder heard = new StringBuilder();
        for (var e : expected.entrySet()) {
            Path wav = SharedData.require("rune/examples/microspeech/data/" + e.getKey());
            List<String> label = serial(speech.run(input(speech, "SOUND", wav)));
            heard.append(e.getKey()).append(" -> ").append(label).append("; ");
            right += label.equals(List.of(e.getValue())) ? 1 : 0;
        }
        // The fft and noise-filtering built-ins approximate TFLM's fixed-point front end (no PCAN), so one clip in
        // four may be misheard; fewer than three right means the front end or the model wiring is broken.
        assertThat(right).as(heard.toString()).isGreaterThanOrEqualTo(3);
    }
}
