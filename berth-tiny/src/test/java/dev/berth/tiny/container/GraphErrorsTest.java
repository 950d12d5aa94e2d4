package dev.berth.tiny.container;

import dev.berth.oci.store.ImageStore;
import dev.berth.tiny.TinyException;
import dev.berth.tiny.testing.AffineModel;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Invalid graphs are refused before anything is stored, with errors that name the stage. */
class GraphErrorsTest {
    @TempDir
    Path dir;
    ImageStore store;

    @BeforeEach
    void setUp() throws IOException {
        store = ImageStore.open(dir.resolve("store"));
        Files.write(dir.resolve("square.tflite"), AffineModel.bytes(2f, 1f));
    }

    private void build(String yaml) throws IOException {
        Path file = dir.resolve("Tinyfile");
        Files.writeString(file, yaml);
        new TinyBuilder(store).build(file, dir, "bad:1", null);
    }

    private void refused(String yaml, String... fragments) {
        var assertion = assertThatThrownBy(() -> build(yaml)).isInstanceOf(TinyException.class);
        for (String f : fragments) {
            assertion.hasMessageContaining(f);
        }
        assertThat(store.find("bad:1")).isEmpty();
    }

    private static final String HEAD = "version: 1\nimage: runicos/base\npipeline:\n";
    private static final String RAND = """
              rand:
                capability: RAND
                outputs:
                  - type: F32
                    dimensions: [1, 1]
            """;

    @Test
    void aValidGraphBuilds() throws IOException {
        build(HEAD + RAND + """
              model:
                model: ./square.tflite
                inputs: [rand]
                outputs:
                  - type: F32
                    dimensions: [1, 1]
              serial:
                out: SERIAL
                inputs: [model]
            """);
        assertThat(store.find("bad:1")).isPresent();
    }

    @Test
    void cycle() {
        refused(HEAD + RAND + """
              a:
                proc-block: "hotg-ai/proc-blocks@v0.11.3#modulo"
                inputs: [b]
                args: {modulus: 2}
                outputs: [{type: F32, dimensions: [1, 1]}]
              b:
                proc-block: "modulo"
                inputs: [a]
                args: {modulus: 3}
                outputs: [{type: F32, dimensions: [1, 1]}]
            """, "stage 'a' is on a cycle", "a -> b -> a");
    }

    @Test
    void unknownInput() {
        refused(HEAD + RAND + """
              serial:
                out: serial
                inputs: [rnd]
            """, "stage 'serial'", "input 'rnd' names no stage");
    }

    @Test
    void outputIndexOutOfRange() {
        refused(HEAD + RAND + """
              serial:
                out: serial
                inputs: [rand.1]
            """, "stage 'serial'", "asks for output 1 of stage 'rand'");
    }

    @Test
    void typeMismatchIntoAModel() {
        refused(HEAD + """
              rand:
                capability: RAW
                outputs: [{type: I32, dimensions: [1, 1]}]
              model:
                model: ./square.tflite
                inputs: [rand]
                outputs: [{type: F32, dimensions: [1, 1]}]
            """, "stage 'model'", "input 0 of the model is", "float32[1,1]", "feeds it I32[1,1]");
    }

    @Test
    void shapeMismatchIntoABlock() {
        refused(HEAD + RAND + """
              label:
                proc-block: "hotg-ai/proc-blocks@v0.11.3#label"
                inputs: [rand]
                args: {wordlist: "a\\nb"}
                outputs: [{type: UTF8, dimensions: [1]}]
            """, "stage 'label' (block label)", "input must be integer indices", "got F32[1,1]");
    }

    @Test
    void declaredOutputDisagreesWithTheBlock() {
        refused(HEAD + RAND + """
              top:
                proc-block: "most_confident_indices"
                inputs: [rand]
                args: {count: 1}
                outputs: [{type: U32, dimensions: [3]}]
            """, "stage 'top'", "output 0 is U32[1] for these inputs, but the stage declares U32[3]");
    }

    @Test
    void unknownCapability() {
        refused(HEAD + """
              eye:
                capability: LIDAR
                outputs: [{type: F32, dimensions: [1]}]
            """, "stage 'eye'", "unknown capability 'LIDAR'");
    }

    @Test
    void unknownBlock() {
        refused(HEAD + RAND + """
              magic:
                proc-block: "hotg-ai/proc-blocks@v0.11.3#telepathy"
                inputs: [rand]
                outputs: [{type: F32, dimensions: [1]}]
            """, "stage 'magic'", "unknown processing block", "telepathy");
    }

    @Test
    void missingModelFile() {
        refused(HEAD + RAND + """
              model:
                model: ./nowhere.tflite
                inputs: [rand]
                outputs: [{type: F32, dimensions: [1, 1]}]
            """, "stage 'model'", "file './nowhere.tflite' not found");
    }

    @Test
    void missingWasmBlock() {
        refused(HEAD + RAND + """
              identity:
                proc-block: ./identity
                inputs: [rand]
                outputs: [{type: F32, dimensions: [1, 1]}]
            """, "stage 'identity'", "proc block './identity' not found", "identity.wasm");
    }

    @Test
    void aFileThatIsNotAModel() throws IOException {
        Files.writeString(dir.resolve("notes.tflite"), "not a flatbuffer");
        refused(HEAD + RAND + """
              model:
                model: ./notes.tflite
                inputs: [rand]
                outputs: [{type: F32, dimensions: [1, 1]}]
            """, "stage 'model' (model ./notes.tflite)");
    }

    @Test
    void aStageOfTwoKinds() {
        refused(HEAD + """
              odd:
                capability: RAW
                model: ./square.tflite
                outputs: [{type: F32, dimensions: [1]}]
            """, "stage 'odd'", "exactly one of capability, proc-block, model or out", "capability and model");
    }

    @Test
    void aPathEscapingTheBuildDirectory() {
        refused(HEAD + RAND + """
              model:
                model: ../../etc/passwd
                inputs: [rand]
                outputs: [{type: F32, dimensions: [1, 1]}]
            """, "stage 'model'", "outside the build directory");
    }

    @Test
    void wrongVersionAndBadYaml() {
        refused("version: 2\npipeline: {}\n", "'version' must be 1");
        refused("version: 1\npipeline: [\n", "not valid YAML");
        refused(HEAD + RAND.replace("F32", "F33"), "stage 'rand' output 0", "unknown element type 'F33'");
    }

    @Test
    void aSoundCapabilityWhoseArgumentsDisagreeWithItsShape() {
        refused(HEAD + """
              audio:
                capability: SOUND
                args: {hz: 16000, sample_duration_ms: 1000}
                outputs: [{type: I16, dimensions: [1, 8000]}]
            """, "stage 'audio'", "16000 samples", "holds 8000");
    }
}
