package dev.berth.tiny.interpreter;

import dev.berth.tiny.audio.FrameFeatures;
import dev.berth.tiny.audio.Wav;
import dev.berth.tiny.testing.KwsFeatures;
import dev.berth.tiny.testing.SharedData;
import dev.berth.tiny.testing.TestImages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The real models of {@code ../shared/tinyml/} give the results its README expects. */
class SharedModelsTest {

    @Test
    void helloWorldFloatFollowsSineOverTheWholePeriod() {
        MicroInterpreter model = MicroInterpreter.load(
                SharedData.require("tflite-micro/hello_world/models/hello_world_float.tflite"));
        for (int i = 0; i <= 1000; i++) {
            float x = (float) (2 * Math.PI * i / 1000);
            model.setInput(0, new float[] {x});
            model.invoke();
            assertThat((double) model.outputValues(0)[0]).as("sin(%f)", x).isCloseTo(Math.sin(x), within(0.05));
        }
    }

    /** The README's known inputs: x = 0.77, 1.57, 2.3, 3.14 quantize to -96, -63, -34, 0. */
    @Test
    void helloWorldInt8AtTheKnownInputs() {
        MicroInterpreter model = MicroInterpreter.load(
                SharedData.require("tflite-micro/hello_world/models/hello_world_int8.tflite"));
        float[] xs = {0.77f, 1.57f, 2.3f, 3.14f};
        int[] quantized = {-96, -63, -34, 0};
        for (int i = 0; i < xs.length; i++) {
            model.setInputQuantized(0, new int[] {quantized[i]});
            model.invoke();
            assertThat((double) model.outputValues(0)[0]).as("sin(%f)", xs[i]).isCloseTo(Math.sin(xs[i]), within(0.05));
        }
        // The int8 model itself is coarser elsewhere: evaluating its dequantized weights in floating point gives
        // the same outputs (e.g. -1.086 at 3*pi/2), and inputs above 6.24 clip. It stays within 0.13 everywhere.
        for (int i = 0; i <= 1000; i++) {
            float x = (float) (2 * Math.PI * i / 1000);
            model.setInput(0, new float[] {x});
            model.invoke();
            assertThat((double) model.outputValues(0)[0]).as("sin(%f)", x).isCloseTo(Math.sin(x), within(0.13));
        }
    }

    /** The int8 audio preprocessor (TFLM signal ops) gives the README's features for the first 30 ms, exactly. */
    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {
        "no_30ms; 126 103 124 102 124 102 123 100 118 97 118 100 118 98 121 100 121 98 117 91 96 74 54 87 100 87 109 92 "
            + "91 80 64 55 83 74 74 78 114 95 101 81",
        "yes_30ms; 124 105 126 103 125 101 123 100 116 98 115 97 113 90 91 82 104 96 117 97 121 103 126 101 125 104 126 "
            + "104 125 101 116 90 81 74 80 71 83 76 82 71"})
    void microSpeechPreprocessorFeaturesAreExact(String clip, String expected) {
        MicroInterpreter preprocessor = MicroInterpreter.load(
                SharedData.require("tflite-micro/micro_speech/models/audio_preprocessor_int8.tflite"));
        short[] audio = Wav.read(SharedData.require("tflite-micro/micro_speech/testdata/" + clip + ".wav")).samples();
        int[] features = FrameFeatures.compute(preprocessor, audio, 320);
        int[] want = java.util.Arrays.stream(expected.trim().split(" +")).mapToInt(Integer::parseInt).toArray();
        assertThat(features).containsExactly(want);
    }

    /** micro_speech, labels [silence, unknown, yes, no], on 49 frames of 40 features every 20 ms of each clip. */
    @ParameterizedTest
    @CsvSource({"yes_1000ms, 2", "no_1000ms, 3", "silence_1000ms, 0", "noise_1000ms, 0"})
    void microSpeechClassifiesTheClips(String clip, int expectedClass) {
        MicroInterpreter preprocessor = MicroInterpreter.load(
                SharedData.require("tflite-micro/micro_speech/models/audio_preprocessor_int8.tflite"));
        MicroInterpreter model = MicroInterpreter.load(
                SharedData.require("tflite-micro/micro_speech/models/micro_speech_quantized.tflite"));
        short[] audio = Wav.read(SharedData.require("tflite-micro/micro_speech/testdata/" + clip + ".wav")).samples();
        int[] features = FrameFeatures.compute(preprocessor, audio, 320);
        assertThat(features).hasSize(49 * 40);
        model.setInputQuantized(0, features);
        model.invoke();
        assertThat(argmax(model.outputValues(0))).isEqualTo(expectedClass);
    }

    /** Scores [unknown, person, not person] of the uint8 person-detection model (Rune's example). */
    @Test
    void personDetectionOrdersTheScoresOnBothImages() throws IOException {
        MicroInterpreter model = MicroInterpreter.load(SharedData.require("rune/examples/person_detection/model.tflite"));
        int[] person = scores(model, SharedData.require("tflite-micro/person_detection/testdata/person.bmp"));
        int[] noPerson = scores(model, SharedData.require("tflite-micro/person_detection/testdata/no_person.bmp"));
        assertThat(person[1]).as("person score on person.bmp").isGreaterThan(person[2]);
        assertThat(noPerson[2]).as("no-person score on no_person.bmp").isGreaterThan(noPerson[1]);
    }

    private static int[] scores(MicroInterpreter model, Path image) throws IOException {
        model.setInputQuantized(0, TestImages.personDetectionGray(image));
        model.invoke();
        return model.outputQuantized(0);
    }

    /** Visual wake words [no person, person]: int8 and float32 agree with each other and with the images. */
    @Test
    void visualWakeWordsInt8AndFloatAgreeOnTheTestImages() throws IOException {
        MicroInterpreter int8 = MicroInterpreter.load(SharedData.require("mlperf-tiny/vww_96_int8.tflite"));
        MicroInterpreter float32 = MicroInterpreter.load(SharedData.require("mlperf-tiny/vww_96_float.tflite"));
        for (String name : new String[] {"person", "no_person"}) {
            int[] gray = TestImages.personDetectionGray(
                    SharedData.require("tflite-micro/person_detection/testdata/" + name + ".bmp"));
            float[] rgb = new float[gray.length * 3];
            for (int i = 0; i < rgb.length; i++) {
                rgb[i] = gray[i / 3] / 255f;
            }
            int8.setInput(0, rgb);
            float32.setInput(0, rgb);
            int8.invoke();
            float32.invoke();
            int expected = name.equals("person") ? 1 : 0;
            assertThat(argmax(int8.outputValues(0))).as("int8 on %s", name).isEqualTo(expected);
            assertThat(argmax(float32.outputValues(0))).as("float32 on %s", name).isEqualTo(expected);
            assertThat(int8.outputValues(0)[1]).isCloseTo(float32.outputValues(0)[1], within(0.05f));
        }
    }

    /**
     * MLPerf Tiny keyword spotting, labels [down, go, left, no, off, on, right, stop, up, yes, silence, unknown], on
     * the shared speech clips turned into the model's MFCC features: int8 and float32 give the same class on every
     * clip, and the class is the spoken word for yes, up, down, left and right (both models hear "no" as "go").
     */
    @ParameterizedTest
    @CsvSource({
        "tflite-micro/micro_speech/testdata/yes_1000ms.wav, 9",
        "tflite-micro/micro_speech/testdata/no_1000ms.wav, 1",
        "tflite-micro/micro_speech/testdata/silence_1000ms.wav, -1",
        "tflite-micro/micro_speech/testdata/noise_1000ms.wav, -1",
        "rune/examples/microspeech/data/up/84d1e469_nohash_0.wav, 8",
        "rune/examples/microspeech/data/down/cd85758f_nohash_0.wav, 0",
        "rune/examples/microspeech/data/left/a6f2fd71_nohash_2.wav, 2",
        "rune/examples/microspeech/data/right/fb7eb481_nohash_0.wav, 6"})
    void keywordSpottingInt8AndFloatAgreeOnRealSpeech(String clip, int expectedClass) {
        MicroInterpreter int8 = MicroInterpreter.load(SharedData.require("mlperf-tiny/kws_ref_model.tflite"));
        MicroInterpreter float32 = MicroInterpreter.load(SharedData.require("mlperf-tiny/kws_ref_model_float32.tflite"));
        float[] features = KwsFeatures.mfcc(Wav.read(SharedData.require(clip)).samples());
        int8.setInput(0, features);
        float32.setInput(0, features);
        int8.invoke();
        float32.invoke();
        int int8Class = argmax(int8.outputValues(0));
        assertThat(int8Class).as("int8 class = float32 class").isEqualTo(argmax(float32.outputValues(0)));
        if (expectedClass >= 0) {
            assertThat(int8Class).isEqualTo(expectedClass);
            assertThat(int8.outputValues(0)[expectedClass]).isGreaterThan(0.5f);
        }
    }

    /** Every MLPerf Tiny model loads, plans its arena and runs, and a softmax output sums to one. */
    @ParameterizedTest
    @ValueSource(strings = {"ad01_int8.tflite", "kws_ref_model.tflite", "kws_ref_model_float32.tflite",
        "pretrainedResnet_quant.tflite", "str_ww_ref_model.tflite", "vww_96_int8.tflite", "vww_96_float.tflite"})
    void everyMlperfTinyModelLoadsAndRuns(String file) {
        MicroInterpreter model = MicroInterpreter.load(SharedData.require("mlperf-tiny/" + file));
        assertThat(model.arenaBytes()).isPositive().isLessThan(model.arenaPlan().naiveBytes());
        Random random = new Random(file.hashCode());
        float[] input = new float[model.input(0).elementCount()];
        for (int i = 0; i < input.length; i++) {
            input[i] = (float) random.nextGaussian();
        }
        model.setInput(0, input);
        model.invoke();
        float[] first = model.outputValues(0);
        model.setInput(0, input); // the arena reuses an input's bytes once no operator needs them, as TFLM does
        model.invoke();
        assertThat(model.outputValues(0)).as("deterministic").containsExactly(first);
        if (!file.startsWith("ad01")) {
            double sum = 0;
            for (float p : first) {
                sum += p;
            }
            assertThat(sum).as("softmax sum").isCloseTo(1.0, within(0.02));
        } else {
            assertThat(first).hasSize(640);
        }
    }

    static int argmax(float[] values) {
        int best = 0;
        for (int i = 1; i < values.length; i++) {
            if (values[i] > values[best]) {
                best = i;
            }
        }
        return best;
    }
}
