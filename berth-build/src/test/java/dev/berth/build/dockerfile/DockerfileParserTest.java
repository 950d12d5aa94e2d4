package dev.berth.build.dockerfile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.build.BuildException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Parser behaviour the corpus shows less directly: source text, positions inside continuations, ONBUILD triggers. */
class DockerfileParserTest {
    @Test
    void sourceIsTheInstructionWithContinuationsJoinedAndHeredocBodiesLeftOut() {
        Dockerfile d = DockerfileParser.parse("Dockerfile", "FROM busybox\nRUN echo a \\\n  b\nRUN <<EOF\nbody\nEOF\n");
        List<Instruction> is = d.stages().getFirst().instructions();
        assertThat(is.get(0).source()).isEqualTo("RUN echo a   b");
        assertThat(is.get(1).source()).isEqualTo("RUN <<EOF");
        assertThat(is.get(0).keyword()).isEqualTo("RUN");
        assertThat(d.stages().getFirst().from().keyword()).isEqualTo("FROM");
    }

    @Test
    void errorsInsideContinuationLinesPointAtThePhysicalLine() {
        assertThatThrownBy(() -> DockerfileParser.parse("app/Dockerfile.dev",
                "FROM busybox\nCOPY \\\n    --chown=1 \\\n    --chmod=9 a b\n"))
                .isInstanceOf(BuildException.class)
                .hasMessageStartingWith("app/Dockerfile.dev:4:5: COPY --chmod=9: not an octal mode");
    }

    @Test
    void onbuildTriggersParseLaterAsTheirInstruction() {
        Dockerfile d = DockerfileParser.parse("Dockerfile", "FROM busybox\nONBUILD COPY --chown=1 . /app\n");
        Instruction.Onbuild o = (Instruction.Onbuild) d.stages().getFirst().instructions().getFirst();
        Instruction trigger = DockerfileParser.parseTrigger(o.trigger(), '\\', new SourcePosition("base", 1, 1));
        assertThat(CanonicalPrinter.line(trigger)).isEqualTo("1:1 COPY chown=\"1\" sources=[\".\"] dest=\"/app\"");
        assertThatThrownBy(() -> DockerfileParser.parseTrigger("ONBUILD RUN x", '\\',
                new SourcePosition("image config", 1, 1)))
                .hasMessage("image config:1:1: ONBUILD ONBUILD is not allowed");
        assertThatThrownBy(() -> DockerfileParser.parseTrigger("RUN <<EOF", '\\', new SourcePosition("base", 1, 1)))
                .hasMessage("base:1:5: heredocs are not supported in ONBUILD");
    }

    @Test
    void stageLookupByNameOrIndex() {
        Dockerfile d = DockerfileParser.parse("Dockerfile", "FROM busybox AS Build\nFROM scratch\n");
        assertThat(d.stage("build")).contains(d.stages().getFirst());
        assertThat(d.stage("1")).contains(d.stages().get(1));
        assertThat(d.stage("2")).isEmpty();
        assertThat(d.target(null)).isEqualTo(d.stages().get(1));
        assertThat(d.target("BUILD").index()).isZero();
    }

    @Test
    void heredocMarkersAreOnlyRecognisedAtWordStartsOutsideQuotes() {
        Dockerfile d = DockerfileParser.parse("Dockerfile", "FROM busybox\nRUN a<<EOF && echo '<<X' \"<<Y\"\n");
        Instruction.Run run = (Instruction.Run) d.stages().getFirst().instructions().getFirst();
        assertThat(run.heredocs()).isEmpty();
    }
}
