package dev.berth.build.dockerfile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.build.BuildException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which stages a target needs: FROM, COPY --from and RUN --mount from= references, cycles and unknown stages. */
class StagesNeededTest {
    private static List<String> needed(String text, String target) {
        Dockerfile d = DockerfileParser.parse("Dockerfile", text);
        return d.stagesNeededFor(target).stream().map(s -> s.name().orElse(String.valueOf(s.index()))).toList();
    }

    private static final String MULTI = """
            FROM busybox AS base
            RUN echo base
            FROM base AS deps
            RUN echo deps
            FROM golang AS tools
            FROM busybox AS unused
            FROM deps AS build
            COPY --from=tools /go/bin/x /x
            RUN --mount=type=bind,from=assets,target=/a true
            FROM nginx AS assets
            FROM scratch AS final
            COPY --from=build /out /out
            COPY --from=nginx:latest /etc/nginx /etc/nginx
            """;

    @Test
    void theLastStageIsTheDefaultTargetAndUnneededStagesAreSkipped() {
        assertThat(needed(MULTI, null)).containsExactly("base", "deps", "tools", "assets", "build", "final");
    }

    @Test
    void aTargetByNameOrIndexNeedsOnlyItsDependencies() {
        assertThat(needed(MULTI, "deps")).containsExactly("base", "deps");
        assertThat(needed(MULTI, "DEPS")).containsExactly("base", "deps");
        assertThat(needed(MULTI, "3")).containsExactly("unused");
    }

    @Test
    void fromNamingItsOwnStageNameIsAnImage() {
        assertThat(needed("FROM golang AS golang\nFROM golang AS b\n", "b")).containsExactly("golang", "b");
        assertThat(needed("FROM golang AS golang\n", null)).containsExactly("golang");
    }

    @Test
    void aLaterStageMayBeCopiedFrom() {
        assertThat(needed("FROM busybox AS a\nCOPY --from=1 /x /x\nFROM busybox AS b\n", "a"))
                .containsExactly("b", "a");
    }

    @Test
    void variablesInReferencesUseTheGlobalArgs() {
        String text = "ARG FLAVOR=fast\nFROM busybox AS build-fast\nFROM busybox AS build-slow\n"
                + "FROM scratch\nCOPY --from=build-${FLAVOR} /a /a\n";
        assertThat(needed(text, null)).containsExactly("build-fast", "2");
        Dockerfile d = DockerfileParser.parse("Dockerfile", text);
        assertThat(d.stagesNeededFor(null, new ArgScope(d, Map.of("FLAVOR", "slow"), Map.of()).globalLookup())
                .stream().map(s -> s.index()).toList()).containsExactly(1, 2);
    }

    @Test
    void cyclesAreRefusedWithThePlaceThatClosesThem() {
        String text = """
                FROM busybox AS a
                COPY --from=b /x /x
                FROM busybox AS b
                RUN --mount=from=c,target=/c true
                FROM busybox AS c
                COPY --from=a /y /y
                """;
        assertThatThrownBy(() -> needed(text, "a"))
                .isInstanceOf(BuildException.class)
                .hasMessage("Dockerfile:6:1: COPY --from=a makes a cycle of stages: a -> b -> c -> a");
        assertThatThrownBy(() -> needed("FROM busybox AS self\nCOPY --from=self /a /b\n", null))
                .hasMessage("Dockerfile:2:1: COPY --from=self makes a cycle of stages: self -> self");
    }

    @Test
    void unknownStagesAreRefused() {
        assertThatThrownBy(() -> needed(MULTI, "nope"))
                .isInstanceOf(BuildException.class)
                .hasMessage("Dockerfile: target stage nope not found (stages: base, deps, tools, unused, build, assets,"
                        + " final)");
        assertThatThrownBy(() -> needed("FROM busybox\nFROM scratch\nCOPY --from=7 /a /b\n", null))
                .hasMessage("Dockerfile:3:1: COPY --from=7: there is no stage 7 (stages are 0 to 1)");
        assertThatThrownBy(() -> needed("FROM busybox\nRUN --mount=from=3,target=/x true\n", null))
                .hasMessage("Dockerfile:2:1: RUN --mount from=3: there is no stage 3 (stages are 0 to 0)");
    }

    @Test
    void baseStageOnlyLooksBackwards() {
        Dockerfile d = DockerfileParser.parse("Dockerfile", "FROM later AS first\nFROM busybox AS later\n");
        assertThat(d.baseStage(d.stages().get(0), "later")).isEmpty();
        assertThat(d.baseStage(d.stages().get(1), "FIRST")).contains(d.stages().get(0));
    }
}
