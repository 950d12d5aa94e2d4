package dev.berth.tiny.pipeline;

import dev.berth.tiny.TinyException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RunefileTest {
    @TempDir
    Path dir;

    private Runefile parse(String yaml) {
        return Runefile.parse(yaml.getBytes(StandardCharsets.UTF_8), "Runefile.yml", dir);
    }

    @Test
    void readsStagesInFileOrderWithTypesInputsAndArguments() {
        Runefile r = parse("""
                version: 1
                image: runicos/base
                pipeline:
                  audio:
                    capability: SOUND
                    outputs: [{type: i16, dimensions: [1, 16000]}]
                    args: {hz: 16000}
                  mod:
                    proc-block: "hotg-ai/proc-blocks@v0.11.3#modulo"
                    inputs: [audio, other.2]
                    outputs: [{type: F32, dimensions: [2]}]
                    args: {modulus: 360.0}
                """);
        assertThat(r.stages()).extracting(Stage::name).containsExactly("audio", "mod");
        Stage.Capability audio = (Stage.Capability) r.stages().get(0);
        assertThat(audio.outputs()).containsExactly(PortType.of(ElementType.I16, 1, 16000));
        assertThat(audio.args()).containsEntry("hz", "16000");
        Stage.ProcBlock mod = (Stage.ProcBlock) r.stages().get(1);
        assertThat(mod.inputs()).containsExactly(new StageInput("audio", 0), new StageInput("other", 2));
        assertThat(mod.args()).containsEntry("modulus", "360.0");
    }

    @Test
    void resourcesFillArgumentsFromInlineTextOrFiles() throws IOException {
        Files.writeString(dir.resolve("labels.txt"), "yes\nno\n");
        Runefile r = parse("""
                version: 1
                image: runicos/base
                resources:
                  WORDS: {path: ./labels.txt}
                  COUNT: {inline: "2"}
                pipeline:
                  label:
                    proc-block: label
                    inputs: [x]
                    outputs: [{type: UTF8, dimensions: [1]}]
                    args: {wordlist: $WORDS, count: $COUNT}
                """);
        assertThat(r.stages().getFirst().args()).containsEntry("wordlist", "yes\nno\n").containsEntry("count", "2");
    }

    @Test
    void anUndeclaredResourceOrAnUnknownKeyIsNamed() {
        assertThatThrownBy(() -> parse("""
                version: 1
                pipeline:
                  label:
                    proc-block: label
                    args: {wordlist: $WORDS}
                """)).isInstanceOf(TinyException.class).hasMessage(
                "stage 'label': argument refers to resource $WORDS, which is not declared under 'resources'");
        assertThatThrownBy(() -> parse("""
                version: 1
                pipeline:
                  label:
                    proc-block: label
                    input: [x]
                """)).hasMessageContaining("stage 'label': unknown key 'input'");
    }
}
