package dev.berth.tiny.blocks;

import dev.berth.tiny.TinyException;
import dev.berth.tiny.pipeline.ElementType;
import dev.berth.tiny.pipeline.PortType;
import dev.berth.tiny.pipeline.Stage;
import dev.berth.tiny.pipeline.StageInput;
import dev.berth.tiny.pipeline.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Each built-in block on hand-computed inputs. */
class BuiltinBlocksTest {
    private static List<Tensor> run(String block, Map<String, String> args, PortType out, Tensor in) {
        Stage.ProcBlock stage = new Stage.ProcBlock("s", block, List.of(new StageInput("x", 0)), args, List.of(out));
        ProcBlockFactory factory = BuiltinBlocks.find(block).orElseThrow();
        factory.check(stage, List.of(in.type()));
        return factory.create(stage, List.of(in.type())).run(List.of(in));
    }

    private static Tensor floats(double... v) {
        return Tensor.numeric(PortType.of(ElementType.F32, v.length), v);
    }

    @Test
    void namesResolveLikeRunesProcBlocks() {
        assertThat(BuiltinBlocks.find("hotg-ai/proc-blocks@v0.11.3#noise-filtering")).get().extracting(ProcBlockFactory::name).isEqualTo("noise-filtering");
        assertThat(BuiltinBlocks.find("noise_filtering")).isPresent();
        assertThat(BuiltinBlocks.find("hotg-ai/proc-blocks@v0.11.3#nope")).isEmpty();
        assertThat(BuiltinBlocks.isLocal("./identity")).isTrue();
        assertThat(BuiltinBlocks.isLocal("fft")).isFalse();
    }

    @Test
    void moduloKeepsTheRemainderInRange() {
        assertThat(run("modulo", Map.of("modulus", "360"), PortType.of(ElementType.F32, 3), floats(370, -10, 45))
                .getFirst().numbers()).containsExactly(10, 350, 45);
    }

    @Test
    void normalizeScalesToZeroOneAndMapsAConstantToZero() {
        assertThat(run("normalize", Map.of(), PortType.of(ElementType.F32, 3), floats(2, 4, 6)).getFirst().numbers())
                .containsExactly(0, 0.5, 1);
        assertThat(run("normalize", Map.of(), PortType.of(ElementType.F32, 2), floats(3, 3)).getFirst().numbers()).containsExactly(0, 0);
    }

    @Test
    void imageNormalizationDividesBy255() {
        Tensor pixels = Tensor.numeric(PortType.of(ElementType.U8, 1, 2, 1), new double[] {0, 255});
        assertThat(run("image-normalization", Map.of(), PortType.of(ElementType.F32, 1, 2, 1), pixels).getFirst().numbers())
                .containsExactly(0, 1);
    }

    @Test
    void rankingBlocksPickTheLargestFirstAndTiesGoToTheLowerIndex() {
        Tensor scores = Tensor.numeric(PortType.of(ElementType.I8, 1, 5), new double[] {-3, 7, 2, 7, -128});
        assertThat(run("most_confident_indices", Map.of("count", "3"), PortType.of(ElementType.U32, 3), scores).getFirst().numbers())
                .containsExactly(1, 3, 2);
        assertThat(run("argmax", Map.of(), PortType.of(ElementType.U32, 1), scores).getFirst().numbers()).containsExactly(1);
    }

    @Test
    void labelTurnsIndicesIntoWordsAndRefusesOneOutsideTheList() {
        Tensor indices = Tensor.numeric(PortType.of(ElementType.U32, 2), new double[] {2, 0});
        assertThat(run("label", Map.of("wordlist", "silence\nunknown\nyes\n"), new PortType(ElementType.UTF8, List.of(2)), indices)
                .getFirst().strings()).containsExactly("yes", "silence");
        Tensor bad = Tensor.numeric(PortType.of(ElementType.U32, 1), new double[] {5});
        assertThatThrownBy(() -> run("label", Map.of("wordlist", "a\nb"), new PortType(ElementType.UTF8, List.of(1)), bad))
                .isInstanceOf(TinyException.class).hasMessageContaining("index 5 is outside the wordlist of 2 words");
    }

    @Test
    void fftPutsAToneIntoTheMelChannelOfItsFrequency() {
        int rate = 16000;
        double[] audio = new double[rate];
        for (int i = 0; i < audio.length; i++) {
            audio[i] = Math.rint(8000 * Math.sin(2 * Math.PI * 1000 * i / rate));
        }
        Tensor in = Tensor.numeric(PortType.of(ElementType.I16, 1, rate), audio);
        double[] features = run("fft", Map.of("hz", "16000"), PortType.of(ElementType.U32, 1, 1960), in).getFirst().numbers();
        // 49 frames of 40 channels; in each frame the loudest channel is the one whose band holds 1 kHz
        // (41 steps of 63.1 mel from mel(125 Hz) = 185.2 to mel(7.5 kHz) = 2773.3; channel c peaks at step c + 1, and
        // mel(1 kHz) = 1000.0 is step 12.9, so channel 11.9: the peak is channel 12, its neighbours close behind)
        for (int f = 0; f < 49; f++) {
            int loudest = 0;
            for (int c = 1; c < 40; c++) {
                if (features[f * 40 + c] > features[f * 40 + loudest]) {
                    loudest = c;
                }
            }
            assertThat(loudest).as("frame %d", f).isBetween(11, 12);
        }
        double[] filtered = run("noise-filtering", Map.of(), PortType.of(ElementType.I8, 1, 1960),
                Tensor.numeric(PortType.of(ElementType.U32, 1, 1960), features)).getFirst().numbers();
        assertThat(filtered[12]).isGreaterThan(filtered[30]);
    }
}
