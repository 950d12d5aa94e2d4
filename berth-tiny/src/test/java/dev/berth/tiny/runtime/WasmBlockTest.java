package dev.berth.tiny.runtime;

import dev.berth.oci.store.ImageStore;
import dev.berth.tiny.TinyException;
import dev.berth.tiny.blocks.WasmBlock;
import dev.berth.tiny.container.BuildResult;
import dev.berth.tiny.container.TinyBuilder;
import dev.berth.tiny.container.TinyContainer;
import dev.berth.tiny.interpreter.MicroInterpreter;
import dev.berth.tiny.pipeline.Stage;
import dev.berth.tiny.pipeline.Tensor;
import dev.berth.tiny.testing.AffineModel;
import dev.berth.tiny.testing.SharedData;
import dev.berth.tiny.testing.WasmBlocks;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** User blocks written in C, compiled to WebAssembly, run sandboxed: limits stop the block, never the host. */
class WasmBlockTest {
    @TempDir
    Path dir;
    ImageStore store;

    @BeforeEach
    void setUp() throws IOException {
        store = ImageStore.open(dir.resolve("store"));
        Files.write(dir.resolve("affine.tflite"), AffineModel.bytes(2f, 1f));
    }

    private static String pipeline(String block, String args) {
        return """
                version: 1
                image: runicos/base
                pipeline:
                  x:
                    capability: RAW
                    outputs: [{type: F32, dimensions: [1, 1]}]
                  block:
                    proc-block: ./%s.wasm
                    inputs: [x]
                    outputs: [{type: F32, dimensions: [1, 1]}]
                    args: {%s}
                  model:
                    model: ./affine.tflite
                    inputs: [block]
                    outputs: [{type: F32, dimensions: [1, 1]}]
                  serial:
                    out: serial
                    inputs: [model]
                """.formatted(block, args);
    }

    private BuildResult build(String block, String args) throws IOException {
        WasmBlocks.compile(block.toUpperCase(java.util.Locale.ROOT), dir.resolve(block + ".wasm"));
        Path file = dir.resolve("Tinyfile");
        Files.writeString(file, pipeline(block, args));
        return new TinyBuilder(store).build(file, dir, "wasm/" + block + ":1", null);
    }

    private static List<RunOutput> runOn(PipelineRunner runner, float x) {
        Stage.Capability c = runner.capability("RAW");
        byte[] raw = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(x).array();
        return runner.run(Map.of(c.name(), SensorFiles.read(c, "x.raw", raw)));
    }

    private PipelineRunner runner(String block, long budget) {
        return new PipelineRunner(TinyContainer.load(store, "wasm/" + block + ":1").pipeline(), budget);
    }

    @Test
    void aCBlockRunsBetweenTheSensorAndTheModel() throws IOException {
        BuildResult built = build("double", "");
        // the module's 128 KiB of memory is part of the container's RAM
        assertThat(built.estimate().wasmMemoryBytes()).isEqualTo(128 * 1024);
        PipelineRunner runner = runner("double", WasmBlock.DEFAULT_INSTRUCTION_BUDGET);
        // 3 -> block doubles -> 6 -> model 2x+1 -> 13
        assertThat(runOn(runner, 3f).getFirst().tensors().getFirst().numbers()).containsExactly(13.0);
        assertThat(runOn(runner, -0.5f).getFirst().tensors().getFirst().numbers()).containsExactly(-1.0);
    }

    @Test
    void aBlockOverItsInstructionBudgetIsStoppedAndTheHostCarriesOn() throws IOException {
        build("spin", "");
        PipelineRunner runner = runner("spin", 200_000);
        assertThatThrownBy(() -> runOn(runner, 1f)).isInstanceOf(TinyException.class)
                .hasMessageContaining("stage 'block'").hasMessageContaining("instruction budget of 200000");
        build("double", "");
        assertThat(runOn(runner("double", 200_000), 1f).getFirst().tensors().getFirst().numbers()).containsExactly(5.0);
    }

    @Test
    void aBlockGrowingPastItsMemoryCapIsStopped() throws IOException {
        build("greedy", "");
        assertThatThrownBy(() -> runOn(runner("greedy", WasmBlock.DEFAULT_INSTRUCTION_BUDGET), 1f))
                .isInstanceOf(TinyException.class).hasMessageContaining("stage 'block'")
                .hasMessageContaining("over its limit of 128 KiB");
    }

    @Test
    void aLargerMemoryLimitLetsTheSameBlockRunAndCountsInRam() throws IOException {
        BuildResult built = build("greedy", "memory-limit: 8MiB");
        assertThat(built.estimate().wasmMemoryBytes()).isEqualTo(8L << 20);
        // the block writes 1.0 into its output: 1 -> model 2x+1 -> 3
        assertThat(runOn(runner("greedy", 100_000_000), 1f).getFirst().tensors().getFirst().numbers()).containsExactly(3.0);
    }

    @Test
    void aTrapIsReportedAsTheBlocksFailure() throws IOException {
        build("trap", "");
        assertThatThrownBy(() -> runOn(runner("trap", 1000), 1f)).isInstanceOf(TinyException.class)
                .hasMessageContaining("stage 'block'").hasMessageContaining("trapped");
    }

    @Test
    void aBlockThatImportsHostFunctionsIsRefusedAtBuild() {
        assertThatThrownBy(() -> build("prints", "")).isInstanceOf(TinyException.class)
                .hasMessageContaining("stage 'block'").hasMessageContaining("wasi_snapshot_preview1.")
                .hasMessageContaining("may import nothing");
        assertThat(store.find("wasm/prints:1")).isEmpty();
    }

    @Test
    void aCapabilityTheContainerDoesNotDeclareIsRefused() throws IOException {
        build("double", "");
        PipelineRunner runner = runner("double", 1000);
        assertThatThrownBy(() -> runner.capability("SOUND")).isInstanceOf(TinyException.class)
                .hasMessageContaining("does not declare capability 'SOUND'").hasMessageContaining("x (RAW)");
        Tensor audio = Tensor.numeric(dev.berth.tiny.pipeline.PortType.of(dev.berth.tiny.pipeline.ElementType.I16, 4), new double[4]);
        assertThatThrownBy(() -> runner.run(Map.of("microphone", audio))).hasMessageContaining("does not declare capability 'microphone'");
    }

    @Test
    void runesDebuggingExampleRunsWithItsIdentityBlockInC() throws IOException {
        Path example = SharedData.require("rune/examples/debugging");
        Path copy = Files.createDirectories(dir.resolve("debugging"));
        Files.copy(example.resolve("Runefile.yml"), copy.resolve("Runefile.yml"));
        Files.copy(example.resolve("sinemodel.tflite"), copy.resolve("sinemodel.tflite"));
        // Rune's "./identity" is a Rust crate; Berth takes ./identity.wasm, here compiled from C
        WasmBlocks.compile("IDENTITY", copy.resolve("identity.wasm"));
        new TinyBuilder(store).build(copy.resolve("Runefile.yml"), copy, "debugging:1", null);
        PipelineRunner runner = new PipelineRunner(TinyContainer.load(store, "debugging:1").pipeline(), 1_000_000);
        List<RunOutput> outputs = runner.run(Map.of());
        RunOutput debug = outputs.stream().filter(o -> o.stage().equals("debug_output")).findFirst().orElseThrow();
        double rand = debug.tensors().get(0).numbers()[0];
        double mod360 = debug.tensors().get(1).numbers()[0];
        double sine = debug.tensors().get(2).numbers()[0];
        assertThat(mod360).isEqualTo((float) (rand % 360));
        MicroInterpreter model = MicroInterpreter.load(copy.resolve("sinemodel.tflite"));
        model.setInput(0, new float[] {(float) mod360});
        model.invoke();
        assertThat(sine).isEqualTo(model.outputValues(0)[0]);
    }
}
