package dev.berth.build.dockerfile;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** ARG scoping: global ARGs in FROM only, re-declaration in a stage, platform and proxy arguments, ENV over ARG. */
class ArgScopeTest {
    private static final Map<String, String> PLATFORM = ArgScope.platformArgs("linux/arm/v7", "linux/amd64");

    private static Dockerfile parse(String text) {
        return DockerfileParser.parse("Dockerfile", text);
    }

    @Test
    void platformArgsSplitOsArchVariant() {
        assertThat(PLATFORM).containsEntry("TARGETPLATFORM", "linux/arm/v7").containsEntry("TARGETOS", "linux")
                .containsEntry("TARGETARCH", "arm").containsEntry("TARGETVARIANT", "v7")
                .containsEntry("BUILDPLATFORM", "linux/amd64").containsEntry("BUILDARCH", "amd64")
                .containsEntry("BUILDVARIANT", "");
    }

    @Test
    void globalArgsSubstituteFromLinesWithBuildArgsWinningOverDefaults() {
        Dockerfile d = parse("""
                ARG REPO=library
                ARG IMAGE=$REPO/busybox TAG
                FROM --platform=$BUILDPLATFORM ${IMAGE}:${TAG:-latest} AS build
                FROM $IMAGE:$TAG
                """);
        ArgScope none = new ArgScope(d, Map.of(), PLATFORM);
        assertThat(none.expandFrom(d.stages().get(0)).image()).isEqualTo("library/busybox:latest");
        assertThat(none.expandFrom(d.stages().get(0)).platform()).isEqualTo("linux/amd64");
        assertThat(none.globals()).containsExactly(Map.entry("REPO", "library"),
                Map.entry("IMAGE", "library/busybox"));
        ArgScope given = new ArgScope(d, Map.of("REPO", "me", "TAG", "1.36"), PLATFORM);
        assertThat(given.expandFrom(d.stages().get(1)).image()).isEqualTo("me/busybox:1.36");
    }

    @Test
    void globalArgsAreInvisibleInAStageUntilRedeclared() {
        Dockerfile d = parse("""
                ARG VERSION=1.0
                FROM busybox
                WORKDIR /v$VERSION
                ARG VERSION
                WORKDIR /v$VERSION
                ARG OTHER
                ENV O=${OTHER:-unset}
                """);
        StageScope s = new ArgScope(d, Map.of(), PLATFORM).stage(Map.of("PATH", "/bin"));
        var is = d.stages().getFirst().instructions();
        assertThat(((Instruction.Workdir) s.expand(is.get(0))).path()).isEqualTo("/v");
        s.expand(is.get(1));
        assertThat(((Instruction.Workdir) s.expand(is.get(2))).path()).isEqualTo("/v1.0");
        s.expand(is.get(3));
        assertThat(((Instruction.Env) s.expand(is.get(4))).pairs().getFirst().value()).isEqualTo("unset");
        assertThat(s.args()).containsExactly(Map.entry("VERSION", "1.0"));
        assertThat(s.environment()).containsExactly(Map.entry("PATH", "/bin"), Map.entry("O", "unset"));
    }

    @Test
    void stageArgDefaultsBuildArgsAndPlatformArgs() {
        Dockerfile d = parse("""
                FROM busybox
                ARG A=a B=$A-b C
                ARG TARGETARCH
                ARG GIVEN=default
                RUN true
                """);
        StageScope s = new ArgScope(d, Map.of("GIVEN", "from-cli", "HTTP_PROXY", "http://proxy:3128"), PLATFORM)
                .stage(Map.of());
        d.stages().getFirst().instructions().forEach(s::expand);
        assertThat(s.args()).containsExactly(Map.entry("A", "a"), Map.entry("B", "a-b"), Map.entry("TARGETARCH", "arm"),
                Map.entry("GIVEN", "from-cli"));
        assertThat(s.lookup("C")).isNull();
        assertThat(s.lookup("TARGETOS")).as("platform args need a declaration in a stage").isNull();
        assertThat(s.lookup("HTTP_PROXY")).isEqualTo("http://proxy:3128");
        assertThat(s.runEnvironment()).containsEntry("HTTP_PROXY", "http://proxy:3128").containsEntry("A", "a")
                .doesNotContainKey("C");
    }

    @Test
    void envAlwaysOverridesAnArgOfTheSameName() {
        Dockerfile d = parse("""
                FROM busybox
                ARG V
                ENV V=env
                ARG V=arg
                WORKDIR /$V
                """);
        StageScope s = new ArgScope(d, Map.of("V", "cli"), PLATFORM).stage(Map.of());
        Instruction last = null;
        for (Instruction i : d.stages().getFirst().instructions()) {
            last = s.expand(i);
        }
        assertThat(((Instruction.Workdir) last).path()).isEqualTo("/env");
        assertThat(s.runEnvironment()).containsEntry("V", "env");
    }

    @Test
    void theBaseImageEnvironmentIsVisible() {
        Dockerfile d = parse("FROM busybox\nENV PATH=/opt/bin:$PATH\n");
        StageScope s = new ArgScope(d, Map.of(), PLATFORM).stage(Map.of("PATH", "/usr/bin"));
        s.expand(d.stages().getFirst().instructions().getFirst());
        assertThat(s.environment()).containsEntry("PATH", "/opt/bin:/usr/bin");
    }

    @Test
    void buildArgsNoArgDeclaresAreReported() {
        Dockerfile d = parse("ARG G\nFROM busybox\nARG S\n");
        ArgScope scope = new ArgScope(d, Map.of("G", "1", "S", "2", "TYPO", "3", "no_proxy", "x"), PLATFORM);
        assertThat(scope.unusedBuildArgs()).containsExactly("TYPO");
    }
}
